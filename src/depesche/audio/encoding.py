"""WAV pieces → one loudness-normalised MP3 (ffmpeg), and what ffprobe says about it."""

from __future__ import annotations

import json
import re
import wave
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from depesche.audio.engines import run_tool
from depesche.audio.errors import SynthesisError

# Podcast loudness: -16 LUFS integrated (Apple's and most apps' recommendation), peaks at most
# -1.5 dBFS; mono speech at 64 kbit/s.
TARGET_LUFS = -16.0
PEAK_DBFS = -1.5
BITRATE = "64k"
# LAME's "fast" quality (-q 7): speech at 64 kbit/s sounds the same, encoding takes half as long.
LAME_QUALITY = "7"
_INTEGRATED = re.compile(r"^\s*I:\s*(-?[\d.]+|-inf|nan) LUFS", re.M)


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@dataclass(frozen=True)
class Piece:
    """A WAV file and the silence (seconds) to put before it."""

    path: Path
    pause_before_s: float = 0.0


def concatenate(pieces: Sequence[Piece], out: Path) -> list[tuple[float, float]]:
    """Join `pieces` into `out` (all must share one format); return each piece's (start, end)."""
    spans: list[tuple[float, float]] = []
    target: wave.Wave_write | None = None
    params = None
    frames_written = 0
    with ExitStack() as stack:
        for piece in pieces:
            try:
                with wave.open(str(piece.path), "rb") as source:
                    current = source.getparams()
                    frames = source.readframes(source.getnframes())
            except (OSError, wave.Error, EOFError) as exc:
                raise SynthesisError(f"unreadable WAV from the speech engine: {exc}") from exc
            if target is None or params is None:
                # Opened only now: a WAV writer cannot be closed before its format is set.
                params = current
                target = stack.enter_context(wave.open(str(out), "wb"))
                target.setparams(current)
            elif current[:3] != params[:3]:
                raise SynthesisError("the speech engine wrote WAV files of different formats")
            rate, width = params.framerate, params.sampwidth * params.nchannels
            silence = round(piece.pause_before_s * rate)
            if silence and frames_written:
                target.writeframes(b"\0" * silence * width)
                frames_written += silence
            start = frames_written / rate
            target.writeframes(frames)
            frames_written += len(frames) // width
            spans.append((start, frames_written / rate))
    if target is None:
        raise SynthesisError("nothing to encode: the script has no text")
    return spans


def loudness(wav: Path, audio_filter: str = "") -> float | None:
    """Integrated loudness (EBU R 128, LUFS) of `wav` after `audio_filter`; None for silence."""
    chain = f"{audio_filter}," if audio_filter else ""
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(wav)]
    cmd += ["-af", f"{chain}ebur128=framelog=verbose", "-f", "null", "-"]
    result = run_tool(cmd, what="loudness (ffmpeg)")
    match = _INTEGRATED.search(result.stderr.decode(errors="replace"))
    if match is None:
        raise SynthesisError("loudness (ffmpeg): no integrated loudness in ffmpeg's output")
    value = float(match[1])
    return value if value > -70 else None


def _gain_and_limit(gain_db: float) -> str:
    limit = 10 ** (PEAK_DBFS / 20)
    return f"volume={gain_db:.2f}dB,alimiter=limit={limit:.4f}:level=false:latency=true"


def _clamped(gain_db: float) -> float:
    return max(-20.0, min(30.0, gain_db))


def encode_mp3(wav: Path, mp3: Path) -> None:
    """Loudness-normalise `wav` to TARGET_LUFS and encode it as a mono 64 kbit/s MP3.

    ffmpeg's one-pass `loudnorm` resamples to 192 kHz and took 5 of 7 seconds for 8 minutes of
    speech; this takes three quick passes instead: measure (EBU R 128), measure again after the
    gain and the peak limiter (synthetic voices have high peaks, and limiting them lowers the
    loudness by 1–2 LU), then encode with the corrected gain. A linear gain and a limiter keep
    the voice's dynamics as the engine made them.
    """
    measured = loudness(wav)
    if measured is None:
        gain = 0.0
    else:
        gain = _clamped(TARGET_LUFS - measured)
        limited = loudness(wav, _gain_and_limit(gain))
        if limited is not None:
            gain = _clamped(gain + TARGET_LUFS - limited)
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav)]
    cmd += ["-af", _gain_and_limit(gain), "-ac", "1", "-codec:a", "libmp3lame", "-b:a", BITRATE]
    run_tool([*cmd, "-compression_level", LAME_QUALITY, str(mp3)], what="MP3 encoding (ffmpeg)")


@dataclass(frozen=True)
class Probe:
    codec: str
    channels: int
    bit_rate: int
    sample_rate: int
    duration_s: float


def probe(path: Path) -> Probe:
    """The first audio stream of `path` as ffprobe decodes it."""
    cmd = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    data = json.loads(run_tool([*cmd, str(path)], what="ffprobe").stdout)
    streams = [s for s in data.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise SynthesisError(f"ffprobe: {path.name} has no audio stream")
    stream = streams[0]
    return Probe(
        codec=stream["codec_name"],
        channels=int(stream["channels"]),
        bit_rate=int(stream.get("bit_rate") or data["format"].get("bit_rate") or 0),
        sample_rate=int(stream["sample_rate"]),
        duration_s=float(data["format"]["duration"]),
    )
