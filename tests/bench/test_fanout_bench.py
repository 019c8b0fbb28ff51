"""`depesche bench fanout` works end to end (small N): real workers, a real SMTP sink, the
figures it promises. Its speed is measured by running it, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EMAIL_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "depesche.site.cli", "bench", "fanout", *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_bench_fanout_delivers_every_alert_once_and_prints_its_figures():
    result = bench("--subscribers", "60", "--tags", "2", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert figures["subscribers"] == 60 and figures["workers"] == 1
    assert figures["delivered"] == 60
    assert figures["duplicates"] == 0
    assert figures["unfinished_deliveries"] == 0
    assert figures["raw_messages"] == 60
    for key in ("first_accept_s", "total_s", "messages_per_s", "raw_sink_messages_per_s"):
        assert figures[key] > 0, key
    assert figures["ratio"] == round(
        figures["messages_per_s"] / figures["raw_sink_messages_per_s"], 3
    )
    assert 0 < figures["peak_rss_mb"] < 1000
    assert "seeding 60 subscribers" in result.stderr  # progress for the operator


def test_bench_fanout_refuses_several_workers_on_sqlite():
    result = bench("--subscribers", "5", "--workers", "2")
    assert result.returncode != 0
    assert "SQLite runs one worker" in result.stderr
