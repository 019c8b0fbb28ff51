"""A throwaway database for a benchmark run, so the operator's data is never touched:
a temporary SQLite file, or a new database on the PostgreSQL server of --database-url,
dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import dj_database_url

from depesche.bench.progress import progress


@contextlib.contextmanager
def scratch_environment(database_url: str) -> Iterator[dict[str, str]]:
    """Environment variables for child processes: a fresh data dir and database."""
    data_dir = Path(tempfile.mkdtemp(prefix="depesche-bench-"))
    env = {"DEPESCHE_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    name = ""
    try:
        if database_url:
            name, env["DATABASE_URL"] = _postgres_create(database_url)
        yield env
    finally:
        if name:
            _postgres_drop(database_url, name)
        shutil.rmtree(data_dir, ignore_errors=True)


def _admin_connection(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise ValueError(f"--database-url must be a PostgreSQL URL, not {url!r}")
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=config["NAME"],
        autocommit=True,
    )


def _postgres_create(url: str) -> tuple[str, str]:
    name = f"depesche_bench_{os.getpid()}"
    with _admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.partition("?")
    return name, base.rsplit("/", 1)[0] + "/" + name


def _postgres_drop(url: str, name: str) -> None:
    with _admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PRODUCTION = "depesche.config.settings.production"


def run_inner_in_scratch(database_url: str, argv: list[str], env: dict[str, str]) -> int:
    """Run `depesche bench <argv> --inner` in a scratch database with production settings
    (whatever this process runs with: tests use test settings, whose tasks run inline) and
    `env` on top; its stdout (the JSON) goes to ours. Articles are not read aloud."""
    # `kill` ends the run like Ctrl-C does: the scratch database is dropped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with scratch_environment(database_url) as scratch:
        where = scratch["DATABASE_URL"] or "SQLite in " + scratch["DEPESCHE_DATA_DIR"]
        progress(f"scratch database: {where}")
        child = subprocess.run(
            [sys.executable, "-m", "depesche.site.cli", "bench", *argv, "--inner"],
            env={
                **os.environ,
                **scratch,
                "DJANGO_SETTINGS_MODULE": PRODUCTION,
                "DEPESCHE_ARTICLE_AUDIO": "false",
                **env,
            },
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        sys.stdout.write(child.stdout)
        return child.returncode
