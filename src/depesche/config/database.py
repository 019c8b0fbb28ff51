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


# A page's queries read a few rows each. When PostgreSQL misjudges one (a filter on an
# expression, as on section lists) it plans parallel workers, and starting them costs 5-10 ms
# of a query that needs 0.3 ms without them.
POSTGRES_OPTIONS = "-c max_parallel_workers_per_gather=0"


def database_settings(url: str, data_dir: Path) -> dict[str, Any]:
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        if "postgresql" in config["ENGINE"]:
            # An `?options=` in the URL wins, for an operator who wants parallel plans back.
            options = config.setdefault("OPTIONS", {})
            options.setdefault("options", POSTGRES_OPTIONS)
        return config
    return sqlite_settings(data_dir / "depesche.sqlite3")
