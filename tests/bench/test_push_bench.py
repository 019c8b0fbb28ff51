"""`depesche bench push` works end to end (small N): a real worker, the push service stand-in
in its own process, the figures it promises. Its speed is measured by running it, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from depesche.bench.push import raw_headers

ROOT = Path(__file__).resolve().parents[2]


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EMAIL_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "depesche.site.cli", "bench", "push", *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_bench_push_notifies_every_browser_once_and_prints_its_figures():
    result = bench("--subscribers", "30", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert figures["subscribers"] == 30 and figures["workers"] == 1
    assert figures["database"] == "sqlite"
    assert figures["push_connections_per_worker"] >= 1
    assert figures["delivered"] == 30
    assert figures["duplicates"] == 0
    assert figures["unfinished"] == 0
    assert figures["raw_requests"] == 30
    # An aes128gcm record: 86 bytes of header and 17 of padding delimiter and tag at least.
    assert figures["request_bytes"] > 103
    for key in ("first_accept_s", "total_s", "notifications_per_s", "raw_requests_per_s"):
        assert figures[key] > 0, key
    assert figures["ratio"] == round(
        figures["notifications_per_s"] / figures["raw_requests_per_s"], 3
    )
    assert 0 < figures["peak_rss_mb"] < 1000
    assert "seeding 30 push subscriptions" in result.stderr  # progress for the operator


def test_bench_push_refuses_several_workers_on_sqlite():
    result = bench("--subscribers", "5", "--workers", "2")
    assert result.returncode != 0
    assert "SQLite runs one worker" in result.stderr


def test_raw_client_sends_the_workers_headers_but_not_those_it_sets_itself():
    head = (
        "POST /push/1 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nContent-Length: 140\r\n"
        "Authorization: vapid t=x, k=y\r\nTTL: 86400\r\nUrgency: normal\r\n"
        "Content-Encoding: aes128gcm\r\nUser-Agent: python-requests\r\n\r\n"
    )
    assert raw_headers(head) == {
        "Authorization": "vapid t=x, k=y",
        "TTL": "86400",
        "Urgency": "normal",
        "Content-Encoding": "aes128gcm",
    }
