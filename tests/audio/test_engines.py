from __future__ import annotations

import wave
from pathlib import Path

import pytest

from depesche.audio import pico
from depesche.audio.engines import (
    EspeakEngine,
    PiperEngine,
    engine_choice,
    engine_from_settings,
    engine_named,
)
from depesche.audio.errors import SynthesisError
from depesche.audio.pico import PicoEngine


def test_espeak_writes_a_mono_16_bit_wav(tmp_path):
    wav = tmp_path / "satz.wav"
    EspeakEngine().synthesize("Guten Morgen aus Berlin.", wav)
    with wave.open(str(wav)) as audio:
        assert audio.getnchannels() == 1
        assert audio.getsampwidth() == 2
        assert 0.5 < audio.getnframes() / audio.getframerate() < 5


def test_espeak_reads_text_that_looks_like_an_option(tmp_path):
    wav = tmp_path / "minus.wav"
    EspeakEngine().synthesize("-v en --help", wav)
    assert wav.stat().st_size > 1000


def test_a_missing_program_is_named(tmp_path):
    with pytest.raises(SynthesisError, match="'espeak-ng-fehlt' is not installed"):
        EspeakEngine(binary="espeak-ng-fehlt").synthesize("Hallo.", tmp_path / "x.wav")


def test_pico_is_the_default_engine(settings):
    settings.PIPER_MODEL = ""
    settings.TTS_ENGINE = ""
    assert engine_from_settings() == PicoEngine()
    assert engine_from_settings().name == "pico"


def test_without_pico_espeak_is_the_default(settings, monkeypatch):
    settings.PIPER_MODEL = ""
    settings.TTS_ENGINE = ""
    monkeypatch.setattr(pico, "NanoTTS", None)  # as if py-nanotts were not installed
    assert engine_choice() == "espeak"
    assert isinstance(engine_from_settings(), EspeakEngine)


@pytest.mark.parametrize(
    ("chosen", "piper_model", "expected"),
    [
        ("espeak", "/srv/voices/de.onnx", "espeak-ng"),  # the choice wins over a voice model
        ("pico", "/srv/voices/de.onnx", "pico"),
        ("piper", "/srv/voices/de.onnx", "piper"),
        ("", "/srv/voices/de.onnx", "piper"),
        ("", "", "pico"),
    ],
)
def test_depesche_tts_engine_chooses(settings, chosen, piper_model, expected):
    settings.TTS_ENGINE = chosen
    settings.PIPER_MODEL = piper_model
    assert engine_from_settings().name == expected


def test_pico_chosen_but_missing_is_named(settings, monkeypatch):
    settings.TTS_ENGINE = "pico"
    monkeypatch.setattr(pico, "NanoTTS", None)
    with pytest.raises(SynthesisError, match="DEPESCHE_TTS_ENGINE=pico.*py-nanotts"):
        engine_from_settings()
    with pytest.raises(SynthesisError, match="py-nanotts is not installed"):
        PicoEngine().synthesize("Hallo.", Path("/nonexistent.wav"))


def test_piper_chosen_without_a_model_is_named(settings):
    settings.TTS_ENGINE = "piper"
    settings.PIPER_MODEL = ""
    with pytest.raises(SynthesisError, match="needs DEPESCHE_PIPER_MODEL"):
        engine_from_settings()


def test_an_unknown_engine_name_is_named():
    with pytest.raises(SynthesisError, match="unknown speech engine 'festival'"):
        engine_named("festival")


def test_a_configured_piper_model_selects_piper(settings):
    settings.TTS_ENGINE = ""
    settings.PIPER_MODEL = "/srv/voices/de_DE-thorsten-medium.onnx"
    settings.PIPER_BINARY = "/opt/piper/piper"
    engine = engine_from_settings()
    assert engine == PiperEngine(
        model=Path("/srv/voices/de_DE-thorsten-medium.onnx"), binary="/opt/piper/piper"
    )
    assert engine.name == "piper"


def test_piper_without_its_model_file_fails_clearly(tmp_path):
    engine = PiperEngine(model=tmp_path / "fehlt.onnx")
    with pytest.raises(SynthesisError, match="voice model .*fehlt.onnx does not exist"):
        engine.synthesize("Hallo.", tmp_path / "x.wav")
