"""`depesche bench pages` works end to end (tiny N): real gunicorn, real wrk, the figures it
promises. Its speed is measured by running it, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_pages_serves_every_page_cached_and_uncached_and_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    result = subprocess.run(
        [sys.executable, "-m", "depesche.site.cli", "bench", "pages", "--articles", "30"]
        + ["--seconds", "1", "--json"],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert figures["articles"] == 30
    assert figures["ceiling_rps"] > 0
    assert set(figures["pages"]) == {"home", "section", "tag", "article"}
    for name, page in figures["pages"].items():
        for mode in ("cached", "uncached"):
            assert page[mode]["rps"] > 0, (name, mode)
            assert 0 < page[mode]["p50_ms"] <= page[mode]["p95_ms"], (name, mode)
        assert page["queries"] > 0
    assert figures["cached_ratio_min"] == round(
        min(p["cached"]["rps"] for p in figures["pages"].values()) / figures["ceiling_rps"], 3
    )
    assert "seeding 30 articles" in result.stderr  # progress for the operator
