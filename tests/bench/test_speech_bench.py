"""`depesche bench speech`: real engines (SVOX Pico, eSpeak NG, ffmpeg) on the benchmark text
and a short file, without a recogniser (a Whisper model is 145 MB; the README gives the run
with one). Speed is measured by running the benchmark, never asserted here."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from depesche.bench.podcast import TEXT_FILE
from depesche.bench.speech import available_engines

SHORT = "Die EZB senkt am 6. Januar den Leitzins.\n\nDer DAX stieg um 1,7 %."


def bench(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("bench", "speech", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def short_text(tmp_path) -> Path:
    path = tmp_path / "kurz.txt"
    path.write_text(SHORT, encoding="utf-8")
    return path


def test_each_engine_reads_each_text_and_says_why_there_is_no_error_rate(settings, short_text):
    settings.PIPER_MODEL = ""
    out, progress = bench("--text", str(short_text), "--engines", "pico,espeak", "--json")
    figures = json.loads(out)
    assert figures["asr"].startswith("no recogniser: pass --asr-model DIR")
    assert figures["cores"] >= 1
    rows = figures["results"]
    assert [(r["text"], r["engine"]) for r in rows] == [
        (TEXT_FILE.name, "pico"),
        (TEXT_FILE.name, "espeak-ng"),
        ("kurz.txt", "pico"),
        ("kurz.txt", "espeak-ng"),
    ]
    for row in rows:
        assert row["cer"] is None and row["wer"] is None
        assert row["asr"] == figures["asr"]
        # Computed before rounding: the rounded figures agree to the last digit or so.
        assert row["realtime_factor"] == pytest.approx(
            row["synthesis_s"] / row["audio_s"], abs=2e-4
        )
    benchmark, short = rows[0], rows[2]
    assert 950 <= benchmark["words"] <= 1100
    assert benchmark["audio_s"] > 300  # about 8 minutes of speech
    assert (short["words"], short["sentences"]) == (14, 2)
    assert 2 < short["audio_s"] < 15
    assert "pico, kurz.txt: synthesised 3/3" in progress


def test_without_json_it_prints_a_table(settings, short_text):
    settings.PIPER_MODEL = ""
    out, _ = bench("--text", str(short_text), "--engines", "espeak")
    header, rule, *rows = out.splitlines()
    assert header.split() == [
        "text",
        "engine",
        "words",
        "audio_s",
        "synthesis_s",
        "realtime_factor",
        "cer",
        "wer",
    ]
    assert set(rule) == {"-", " "}
    assert rows[0].split()[:3] == [TEXT_FILE.name, "espeak-ng", "1042"]
    assert rows[1].split()[:3] == ["kurz.txt", "espeak-ng", "14"]
    assert rows[1].split()[-2:] == ["–", "–"]
    assert "recogniser: no recogniser: pass --asr-model DIR" in out


def test_the_default_is_every_engine_available_here(settings, monkeypatch, tmp_path):
    settings.PIPER_MODEL = ""
    assert available_engines() == ["pico", "espeak"]
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    assert available_engines() == ["pico"]
    settings.PIPER_MODEL = str(tmp_path / "voice.onnx")
    assert available_engines() == ["pico", "piper"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "/nonexistent/kurz.txt"], r"--text /nonexistent/kurz.txt: no such file"),
        (["--text", "."], r"--text \.: is a folder"),
        (["--asr-model", "/nonexistent/whisper"], r"--asr-model /nonexistent/whisper: no such"),
        (["--engines", "pico,klingon"], r"unknown speech engine 'klingon'"),
    ],
)
def test_bad_input_is_a_clear_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        bench(*args)


def test_a_text_that_is_not_utf8_or_empty_is_refused(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Grüße".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        bench("--text", str(latin1))
    empty = tmp_path / "leer.txt"
    empty.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(CommandError, match="has no text"):
        bench("--text", str(empty))


def test_a_folder_that_is_no_whisper_model_is_refused_before_any_synthesis(tmp_path):
    (tmp_path / "tokenizer.json").write_text("{}")
    err = StringIO()
    with pytest.raises(CommandError, match=r"not a Whisper model .*missing model\.bin"):
        call_command("bench", "speech", "--asr-model", str(tmp_path), stderr=err)
    assert "synthesised" not in err.getvalue()
