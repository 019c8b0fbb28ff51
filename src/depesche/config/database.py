"""The DATABASES entry: PostgreSQL (or any) from DATABASE_URL, else the embedded SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url


def sqlite_settings(path: Path) -> dict[str, Any]:
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions take the
    # write lock up front instead of failing with "database is locked" on upgrade.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Web processes keep their connection between requests (as on PostgreSQL), sparing
        # each page the connect and the first read of the schema.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        },
    }


def database_settings(url: str, data_dir: Path, pg_options: str = "") -> dict[str, Any]:
    """From DATABASE_URL, else SQLite. PostgreSQL connections start with `pg_options`
    (DEPESCHE_PG_OPTIONS) after any `?options=` of the URL: by default no parallel workers,
    since a page's queries read a few rows each, and a parallel plan chosen on a misestimate
    costs more to start (9.6 ms instead of 0.3 ms for a section list at 100,000 articles)."""
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        if "postgresql" in config["ENGINE"] and pg_options.strip():
            options = config.setdefault("OPTIONS", {})
            options["options"] = " ".join(
                part for part in (options.get("options", ""), pg_options.strip()) if part
            )
        return config
    return sqlite_settings(data_dir / "depesche.sqlite3")
