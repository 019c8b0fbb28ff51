"""SVOX Pico through py-nanotts: the real engine, its input limits and its pauses."""

from __future__ import annotations

import array
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from depesche.audio import pico
from depesche.audio.pico import (
    MAX_CALL_CHARS,
    MAX_TOKEN_CHARS,
    SAMPLE_RATE,
    SENTENCE_PAUSE_S,
    PicoEngine,
    chunks,
    clean,
)

ROOT = Path(__file__).resolve().parents[2]
LONG_SENTENCE = (
    "Die Regierung kündigte am Morgen an, die Hilfen für kleine und mittlere Betriebe zu "
    "verlängern, die unter den hohen Energiepreisen leiden; zugleich sollen die Anträge "
    "einfacher werden, weil viele Firmen über den Aufwand klagen, den die Behörden verlangen, "
    "und weil die Kammern seit Monaten darauf drängen – auch mit Blick auf den Winter, in dem "
    "die Preise nach Einschätzung der Fachleute (etwa der Bundesnetzagentur) erneut steigen "
    "könnten, wenn die Speicher nicht rechtzeitig gefüllt sind, was niemand ausschließen mag, "
    "der die Lage an den Märkten kennt und die Erfahrungen der vergangenen Jahre ernst nimmt."
)


def samples(path: Path) -> tuple[array.array[int], int]:
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        data = array.array("h")
        data.frombytes(wav.readframes(wav.getnframes()))
        return data, wav.getframerate()


def test_pico_writes_a_16_khz_mono_wav_without_clipping(tmp_path):
    wav = tmp_path / "satz.wav"
    PicoEngine().synthesize("Guten Morgen aus Berlin! Die Börse eröffnet fester.", wav)
    data, rate = samples(wav)
    assert rate == SAMPLE_RATE
    assert 1.5 < len(data) / rate < 8
    # At volume 1.0 Pico clips loud syllables; the engine's volume keeps every peak below.
    assert max(abs(v) for v in data) < 32_000


def test_a_long_sentence_is_split_at_clause_boundaries_and_no_word_is_cut():
    assert len(LONG_SENTENCE) > MAX_CALL_CHARS
    parts = chunks(LONG_SENTENCE)
    assert len(parts) >= 2
    assert all(len(part) <= MAX_CALL_CHARS for part in parts)
    assert " ".join(parts) == LONG_SENTENCE  # nothing lost, nothing cut
    # Every cut is at a clause mark: after ",;:)" or before a dash or bracket.
    for before, after in zip(parts, parts[1:], strict=False):
        assert before[-1] in ",;:)–" or after[0] in "(–", (before, after)


def test_a_clause_longer_than_the_limit_is_split_between_words():
    clause = " ".join(["Wort"] * 200)
    parts = chunks(clause, limit=100)
    assert all(len(part) <= 100 for part in parts)
    assert " ".join(parts).split() == clause.split()


def test_short_text_is_one_call():
    assert chunks("Kurzer Satz.") == ["Kurzer Satz."]
    assert chunks("  ") == []


def test_what_pico_cannot_read_is_cleaned_out():
    # "<…>" would be read as Pico markup; emoji and symbols are dropped; giant tokens cut.
    assert clean("a<b>c 😀 ☂ Preis") == "a b c Preis"
    token = "x" * (MAX_TOKEN_CHARS * 2 + 5)
    assert [len(t) for t in clean(token).split()] == [MAX_TOKEN_CHARS, MAX_TOKEN_CHARS, 5]


@pytest.mark.parametrize(
    "text",
    [
        LONG_SENTENCE,
        "Kurs: <b>fest</b> 😀 ÆØÅ naïve café 東京 € 5 %",
        "Link: https://example.org/" + "a" * 2_000,  # a 200-character token made Pico hang
    ],
)
def test_pico_speaks_what_it_would_choke_on(tmp_path, text):
    wav = tmp_path / "out.wav"
    PicoEngine().synthesize(text, wav)
    data, rate = samples(wav)
    assert len(data) / rate > 1


def test_a_sentence_ends_with_the_tuned_pause_not_picos_long_silence(tmp_path):
    wav = tmp_path / "satz.wav"
    PicoEngine().synthesize("Die Sitzung ist beendet.", wav)
    data, rate = samples(wav)
    voiced = [i for i, v in enumerate(data) if abs(v) > pico.SILENCE]
    trailing = (len(data) - voiced[-1]) / rate
    # Pico itself ends with about 0.8 s of silence; one speaker reading pauses about 0.4 s.
    assert SENTENCE_PAUSE_S - 0.05 < trailing < SENTENCE_PAUSE_S + 0.15
    assert voiced[0] / rate < 0.1


def test_an_espeak_only_machine_reads_with_espeak(tmp_path):
    # A fresh interpreter in which py-nanotts cannot be imported: the default falls back.
    code = (
        "import sys; sys.modules['py_nanotts'] = None\n"
        "import django; django.setup()\n"
        "from depesche.audio.engines import engine_from_settings\n"
        "from depesche.audio.script import Segment\n"
        "from depesche.audio.synthesis import synthesize\n"
        "result = synthesize([Segment('Test', 'Die Stimme liest auch ohne Pico.')])\n"
        "print(engine_from_settings().name, result.engine, len(result.mp3) > 1000)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "depesche.config.settings.test",
        "DEPESCHE_TTS_ENGINE": "",
        "DEPESCHE_PIPER_MODEL": "",
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["espeak-ng", "espeak-ng", "True"]
