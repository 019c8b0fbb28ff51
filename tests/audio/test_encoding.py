from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

from depesche.audio.encoding import Piece, concatenate, encode_mp3, loudness, probe, wav_duration
from depesche.audio.errors import SynthesisError


def tone(path: Path, seconds: float, rate: int = 22050, amplitude: float = 0.3) -> Path:
    frames = b"".join(
        struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * 220 * i / rate)))
        for i in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return path


def test_concatenate_returns_exact_spans_with_pauses(tmp_path):
    a = tone(tmp_path / "a.wav", 1.0)
    b = tone(tmp_path / "b.wav", 0.5)
    spans = concatenate([Piece(a), Piece(b, pause_before_s=0.25)], tmp_path / "all.wav")
    # Exact to one sample (1/22050 s).
    flat = [t for span in spans for t in span]
    assert flat == pytest.approx([0.0, 1.0, 1.25, 1.75], abs=1 / 22050)
    assert wav_duration(tmp_path / "all.wav") == pytest.approx(1.75, abs=1 / 22050)


def test_concatenate_refuses_mixed_formats(tmp_path):
    a = tone(tmp_path / "a.wav", 0.2, rate=22050)
    b = tone(tmp_path / "b.wav", 0.2, rate=16000)
    with pytest.raises(SynthesisError, match="different formats"):
        concatenate([Piece(a), Piece(b)], tmp_path / "all.wav")


def test_concatenate_names_an_unreadable_piece(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"kein WAV")
    with pytest.raises(SynthesisError, match="unreadable WAV"):
        concatenate([Piece(bad)], tmp_path / "all.wav")


def test_encode_mp3_is_mono_64k_and_loudness_normalised(tmp_path):
    quiet = tone(tmp_path / "leise.wav", 3.0, amplitude=0.02)
    assert loudness(quiet) < -30
    encode_mp3(quiet, tmp_path / "out.mp3")
    info = probe(tmp_path / "out.mp3")
    assert (info.codec, info.channels) == ("mp3", 1)
    assert 60_000 <= info.bit_rate <= 68_000
    assert abs(info.duration_s - 3.0) < 0.1
    assert abs(loudness(tmp_path / "out.mp3") - -16) <= 1.0


def test_encoding_without_ffmpeg_names_it(tmp_path, only_programs):
    wav = tone(tmp_path / "a.wav", 0.5)
    only_programs("espeak-ng")
    with pytest.raises(SynthesisError, match="'ffmpeg' is not installed"):
        encode_mp3(wav, tmp_path / "out.mp3")


def test_a_failing_ffmpeg_is_reported_with_its_message(tmp_path):
    with pytest.raises(SynthesisError, match=r"loudness \(ffmpeg\): ffmpeg exited with"):
        encode_mp3(tmp_path / "gibt-es-nicht.wav", tmp_path / "out.mp3")
