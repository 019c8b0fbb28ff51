"""`depesche bench podcast`: the real run (about 1,000 words, a few seconds with SVOX Pico).

It checks the figures are consistent, not how fast they are: speed is measured by running the
benchmark (README, Performance), never asserted by a timed test."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from depesche.bench.podcast import script


def bench(*args: str) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("bench", "podcast", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_bench_podcast_synthesises_the_fixed_text_and_prints_its_figures(settings):
    settings.PIPER_MODEL = ""
    settings.TTS_ENGINE = ""
    figures, progress = bench("--json")
    assert figures["engine"] == "pico"  # the default voice
    assert 950 <= figures["words"] <= 1100
    assert figures["chapters"] == len(script()) == 8
    assert figures["audio_s"] > 300  # about 8 minutes of speech
    assert figures["synthesis_s"] > 0
    # Computed before rounding: recomputing from the rounded figures may differ in the last place.
    assert abs(figures["realtime_factor"] - figures["synthesis_s"] / figures["audio_s"]) < 1e-3
    assert figures["mp3_bytes"] > figures["audio_s"] * 64_000 / 8 * 0.9
    assert f"synthesised {figures['sentences'] + 1}/{figures['sentences'] + 1}" in progress


def test_bench_podcast_can_run_on_the_first_words_only(settings):
    settings.PIPER_MODEL = ""
    figures, _ = bench("--words", "20", "--json")
    assert figures["chapters"] == 1
    assert figures["words"] < 40
    assert figures["audio_s"] < 30
