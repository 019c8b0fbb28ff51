"""`depesche digest build [--week …]`."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from depesche.digest.models import Digest
from depesche.digest.services import digest_approve
from tests.support.digest_week import WEEK


def build(*args: str) -> str:
    out = io.StringIO()
    call_command("digest", "build", *args, stdout=out)
    return out.getvalue()


def test_build_prints_progress_and_rebuilds_a_draft(week_articles):
    first = build("--week", WEEK)
    assert "Sammle die Artikel vom 14.11.2026 07:00 bis 21.11.2026 07:00" in first
    assert "7 Artikel gefunden." in first
    assert "Fasse zusammen: Thema 1/4" in first
    assert "Fasse zusammen: Thema 4/4" in first
    assert "Wochenrückblick 2026-W47: 4 Themen, Status Entwurf" in first
    build("--week", WEEK)
    assert Digest.objects.count() == 1


def test_without_week_the_latest_ended_period_is_built(db):
    out = build()
    digest = Digest.objects.get()
    assert digest.week in out
    assert digest.period_end <= digest.created_at


@pytest.mark.parametrize("week", ["47", "2026-47", "2026-W99"])
def test_bad_week_is_a_clear_error(db, week):
    with pytest.raises(CommandError, match="2026-W47|Kalenderwoche"):
        build("--week", week)
    assert not Digest.objects.exists()


def test_approved_week_is_refused(week_articles):
    build("--week", WEEK)
    digest_approve(digest=Digest.objects.get(), user=None)
    with pytest.raises(CommandError, match="bereits freigegeben"):
        build("--week", WEEK)


def test_future_week_is_refused(db):
    with pytest.raises(CommandError, match="erst am"):
        build("--week", "2099-W01")


def test_errors_exit_non_zero_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "depesche.site.cli", "digest", "build", "--week", "nächste"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "depesche.config.settings.test",
        },
        timeout=60,
    )
    assert result.returncode == 1
    assert "JJJJ-Www" in result.stderr
