"""config/env_report.py: what `depesche env` shows of each variable, and from where."""

from __future__ import annotations

import pytest

from depesche.config import env, secret_files
from depesche.config.env_report import MASK, current, masked, report


def var(name: str) -> env.Var:
    return next(v for v in env.VARIABLES if v.name == name)


def test_every_variable_is_reported_once_in_the_order_of_env():
    assert [row.name for row in report()] == [v.name for v in env.VARIABLES]


def test_a_value_from_the_environment_says_so(monkeypatch):
    monkeypatch.setenv("DEPESCHE_PAGE_SIZE", "30")
    row = current(var("DEPESCHE_PAGE_SIZE"))
    assert (row.name, row.value, row.source) == ("DEPESCHE_PAGE_SIZE", "30", "environment")


def test_an_unset_variable_shows_its_default(monkeypatch):
    monkeypatch.delenv("DEPESCHE_PAGE_SIZE", raising=False)
    row = current(var("DEPESCHE_PAGE_SIZE"))
    assert (row.value, row.source) == ("20", "default")


def test_set_but_empty_counts_as_the_environment(monkeypatch):
    monkeypatch.setenv("DEPESCHE_PIPER_BINARY", "")
    row = current(var("DEPESCHE_PIPER_BINARY"))
    assert (row.value, row.source) == ("", "environment")


def test_a_generated_secret_comes_from_its_file_and_is_masked(monkeypatch, tmp_path):
    monkeypatch.setenv("DEPESCHE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    value = secret_files.secret_key()
    row = current(var("SECRET_KEY"))
    assert row.source == f"secret file {tmp_path / 'secret_key'}"
    assert row.value == MASK
    assert value not in repr(row)


def test_a_secret_not_generated_yet_is_its_empty_default(monkeypatch, tmp_path):
    monkeypatch.setenv("DEPESCHE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DEPESCHE_HASH_SALT", raising=False)
    row = current(var("DEPESCHE_HASH_SALT"))
    assert (row.value, row.source) == ("", "default")


@pytest.mark.parametrize("name", [v.name for v in env.VARIABLES if v.secret], ids=lambda name: name)
def test_secrets_from_the_environment_are_masked(monkeypatch, name):
    monkeypatch.setenv(name, "streng-geheim")
    row = current(var(name))
    assert (row.value, row.source) == (MASK, "environment")


def test_the_known_secrets_are_marked_secret():
    secret = {v.name for v in env.VARIABLES if v.secret}
    assert {"SECRET_KEY", "DEPESCHE_HASH_SALT", "ANYMAIL_WEBHOOK_SECRET"} <= secret
    assert {"DEPESCHE_MEDIA_SECRET_KEY", "DEPESCHE_SUMMARY_API_KEY"} <= secret


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("smtp://bob:geheim@relay.example.de:587", f"smtp://bob:{MASK}@relay.example.de:587"),
        ("postmark://SERVER-TOKEN@", f"postmark://{MASK}@"),
        ("postgres://app:pw@db:5432/depesche", f"postgres://app:{MASK}@db:5432/depesche"),
        ("redis://:pw@cache:6379/0", f"redis://:{MASK}@cache:6379/0"),
        ("smtp://127.0.0.1:1025", "smtp://127.0.0.1:1025"),
        ("Depesche <redaktion@depesche.invalid>", "Depesche <redaktion@depesche.invalid>"),
    ],
)
def test_urls_lose_their_passwords_and_lone_tokens(raw, shown):
    assert masked(raw, secret=False) == shown
