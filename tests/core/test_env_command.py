"""`depesche env`: one line per variable, value and source, no secret in the output."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from depesche.config import env

ROOT = Path(__file__).resolve().parents[2]


def test_env_prints_every_variable_with_its_source(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://bob:geheim@relay.example.de:587")
    monkeypatch.setenv("DEPESCHE_SUMMARY_API_KEY", "sk-streng-geheim")
    monkeypatch.delenv("DEPESCHE_PAGE_SIZE", raising=False)
    out = StringIO()
    call_command("env", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}

    assert set(lines) == {var.name for var in env.VARIABLES}
    assert lines["DEPESCHE_PAGE_SIZE"].split() == ["DEPESCHE_PAGE_SIZE", "20", "[default]"]
    assert lines["EMAIL_URL"].endswith("[environment]")
    assert "bob:********@relay.example.de" in lines["EMAIL_URL"]
    assert "geheim" not in out.getvalue()


def test_depesche_env_runs_before_anything_is_set_up(tmp_path):
    """No database and no checks: it must work when the database URL is what is wrong."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEPESCHE_HASH_SALT"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "depesche.site.cli", "env"],
        cwd=ROOT,
        env={
            **environment,
            "DEPESCHE_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://nobody:pw@127.0.0.1:9/nirgends",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"[secret file {tmp_path / 'secret_key'}]" in result.stdout
    assert "postgres://nobody:********@127.0.0.1:9/nirgends  [environment]" in result.stdout
    assert ":pw@" not in result.stdout
