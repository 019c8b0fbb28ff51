"""site/cli.py: `depesche …` picks the settings, `depesche demo` the demo settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from depesche.site.cli import DEMO_SETTINGS, PRODUCTION_SETTINGS, settings_module

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["depesche", "demo", "--port", "8011"], DEMO_SETTINGS),
        (["depesche", "worker"], PRODUCTION_SETTINGS),
        (["depesche"], PRODUCTION_SETTINGS),
        # Only the command counts, not an argument that happens to say "demo".
        (["depesche", "import-articles", "demo"], PRODUCTION_SETTINGS),
    ],
)
def test_the_command_chooses_the_settings_when_none_are_set(monkeypatch, argv, expected):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    assert settings_module(argv) == expected


def test_explicit_settings_win_even_for_the_demo(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "depesche.config.settings.dev")
    assert settings_module(["depesche", "demo"]) == "depesche.config.settings.dev"


def depesche(*args: str, settings: str | None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    if settings:
        env["DJANGO_SETTINGS_MODULE"] = settings
    return subprocess.run(
        [sys.executable, "-m", "depesche.site.cli", *args],
        cwd=ROOT,
        env={**env, "DEPESCHE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_depesche_demo_help_works_with_no_settings_chosen(tmp_path):
    result = depesche("demo", "--help", settings=None, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--smtp-port" in result.stdout


def test_the_production_settings_have_no_demo_command(tmp_path):
    result = depesche("demo", "--help", settings=PRODUCTION_SETTINGS, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Unknown command: 'demo'" in result.stderr
