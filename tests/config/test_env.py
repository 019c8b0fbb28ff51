from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from depesche.config import env
from depesche.config.database import database_settings, sqlite_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_variable_is_documented_in_the_readme():
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README.read_text(), flags=re.M))
    missing = {var.name for var in env.VARIABLES} - documented
    assert not missing, f"README configuration table lacks {sorted(missing)}"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)]
)
def test_get_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env.get_bool("DEBUG") is expected


def test_get_bool_rejects_nonsense_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("DEBUG", "vielleicht")
    with pytest.raises(ValueError, match="DEBUG"):
        env.get_bool("DEBUG")


def test_get_int_rejects_nonsense_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("DEPESCHE_PAGE_SIZE", "zwanzig")
    with pytest.raises(ValueError, match="DEPESCHE_PAGE_SIZE"):
        env.get_int("DEPESCHE_PAGE_SIZE")


def test_embedded_sqlite_runs_in_wal_mode(tmp_path, django_db_blocker):
    """Web process and worker share the file: WAL lets readers go on while one writes."""
    settings_dict = sqlite_settings(tmp_path / "wal.sqlite3")
    for key, value in {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }.items():
        settings_dict.setdefault(key, value)
    wrapper = DatabaseWrapper(settings_dict, alias="wal-check")
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
        finally:
            wrapper.close()
    # A second connection (the worker) reads while the first holds a write transaction.
    writer = sqlite3.connect(settings_dict["NAME"], isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    reader = sqlite3.connect(settings_dict["NAME"], timeout=1)
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    writer.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def test_database_url_selects_postgresql(tmp_path):
    db = database_settings("postgres://postgres@127.0.0.1:5432/test", tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["HOST"], db["PORT"]) == (
        "test",
        "postgres",
        "127.0.0.1",
        5432,
    )
    assert database_settings("", tmp_path)["NAME"] == str(tmp_path / "depesche.sqlite3")


def test_postgresql_connections_start_with_the_configured_options(tmp_path):
    pg = "postgres://postgres@127.0.0.1:5432/test"
    default = env.get_str("DEPESCHE_PG_OPTIONS")
    assert default == "-c max_parallel_workers_per_gather=0"
    assert database_settings(pg, tmp_path, default)["OPTIONS"]["options"] == default
    # Added to the URL's own options (e.g. a search path), not instead of them.
    custom = database_settings(pg + "?options=-c%20work_mem%3D64MB", tmp_path, default)
    assert custom["OPTIONS"]["options"] == "-c work_mem=64MB " + default
    # Empty: nothing is sent (a pooler such as PgBouncer refuses startup options).
    assert "options" not in database_settings(pg, tmp_path, "").get("OPTIONS", {})
    assert "options" not in database_settings("", tmp_path, default)["OPTIONS"]


@pytest.mark.django_db
def test_the_running_database_uses_its_configured_options():
    """On the PostgreSQL pass of the suite the server really runs with the setting."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
    else:
        assert "options" not in connection.settings_dict["OPTIONS"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("07:00", time(7, 0)), ("7:05", time(7, 5)), (" 23:59 ", time(23, 59))]
)
def test_get_clock_reads_hours_and_minutes(monkeypatch, raw, expected):
    monkeypatch.setenv("DEPESCHE_ALERT_DAILY_AT", raw)
    assert env.get_clock("DEPESCHE_ALERT_DAILY_AT") == expected


@pytest.mark.parametrize("raw", ["7", "24:00", "07:60", "7 Uhr", ""])
def test_get_clock_rejects_nonsense_with_the_variable_name(monkeypatch, raw):
    monkeypatch.setenv("DEPESCHE_ALERT_DAILY_AT", raw)
    with pytest.raises(ValueError, match="DEPESCHE_ALERT_DAILY_AT must be a time written HH:MM"):
        env.get_clock("DEPESCHE_ALERT_DAILY_AT")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Sa 07:00", (5, time(7, 0))), ("mo 18:30", (0, time(18, 30))), ("SO 6:00", (6, time(6)))],
)
def test_get_weekday_clock_reads_german_weekdays(monkeypatch, raw, expected):
    monkeypatch.setenv("DEPESCHE_ALERT_WEEKLY_AT", raw)
    assert env.get_weekday_clock("DEPESCHE_ALERT_WEEKLY_AT") == expected


@pytest.mark.parametrize("raw", ["Samstag 07:00", "Sat 07:00", "Sa", "07:00", "Sa 25:00"])
def test_get_weekday_clock_rejects_nonsense_with_the_variable_name(monkeypatch, raw):
    monkeypatch.setenv("DEPESCHE_ALERT_WEEKLY_AT", raw)
    with pytest.raises(ValueError, match=r"DEPESCHE_ALERT_WEEKLY_AT must be a weekday \(Mo, Di"):
        env.get_weekday_clock("DEPESCHE_ALERT_WEEKLY_AT")


@pytest.mark.parametrize("raw", ["1", "2", "0", " 1 ", "1,10.0.0.1"])
def test_a_count_of_proxies_is_refused_with_what_to_write_instead(monkeypatch, raw):
    monkeypatch.setenv("DEPESCHE_TRUSTED_PROXIES", raw)
    with pytest.raises(ValueError) as excinfo:
        env.get_networks("DEPESCHE_TRUSTED_PROXIES")
    assert str(excinfo.value).startswith(
        "DEPESCHE_TRUSTED_PROXIES is now a list of proxy addresses, e.g. 127.0.0.1,10.0.0.0/8"
    )


def test_trusted_proxies_are_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("DEPESCHE_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8,,::1, 192.0.2.7/24 ")
    assert [str(n) for n in env.get_networks("DEPESCHE_TRUSTED_PROXIES")] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
        "192.0.2.0/24",
    ]
    monkeypatch.setenv("DEPESCHE_TRUSTED_PROXIES", "")
    assert env.get_networks("DEPESCHE_TRUSTED_PROXIES") == ()
    monkeypatch.setenv("DEPESCHE_TRUSTED_PROXIES", "10.0.0.1,proxy.intern")
    with pytest.raises(ValueError, match="'proxy.intern' is neither"):
        env.get_networks("DEPESCHE_TRUSTED_PROXIES")


def test_a_count_of_proxies_stops_the_start(tmp_path):
    """Refused where settings load: every command and process stops with the message."""
    result = subprocess.run(
        [sys.executable, "-m", "depesche.site.cli", "check"],
        env={**os.environ, "DEPESCHE_TRUSTED_PROXIES": "1", "DEPESCHE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DEPESCHE_TRUSTED_PROXIES is now a list of proxy addresses" in result.stderr


def test_get_choice_accepts_a_listed_value_or_unset_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEPESCHE_TTS_ENGINE", " Pico ")
    assert env.get_choice("DEPESCHE_TTS_ENGINE", ("pico", "espeak", "piper")) == "pico"
    monkeypatch.setenv("DEPESCHE_TTS_ENGINE", "")
    assert env.get_choice("DEPESCHE_TTS_ENGINE", ("pico", "espeak", "piper")) == ""
    monkeypatch.setenv("DEPESCHE_TTS_ENGINE", "festival")
    with pytest.raises(ValueError, match="DEPESCHE_TTS_ENGINE must be one of pico, espeak"):
        env.get_choice("DEPESCHE_TTS_ENGINE", ("pico", "espeak", "piper"))
