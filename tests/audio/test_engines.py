from __future__ import annotations

import wave
from pathlib import Path

import pytest

from depesche.audio.engines import EspeakEngine, PiperEngine, engine_from_settings
from depesche.audio.errors import SynthesisError


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


def test_espeak_is_the_default_engine(settings):
    settings.PIPER_MODEL = ""
    assert isinstance(engine_from_settings(), EspeakEngine)


def test_a_configured_piper_model_selects_piper(settings):
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
