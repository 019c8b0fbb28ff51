"""Speech engines: one small interface; SVOX Pico by default, eSpeak NG as the fallback,
Piper with a voice model.

An engine turns one sentence into one WAV file. eSpeak NG and Piper run as separate
processes, so sentences are synthesised in parallel threads (see synthesis.py); Pico runs in
this process (pico.py).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from depesche.audio.errors import SynthesisError
from depesche.audio.pico import PicoEngine, pico_available

# eSpeak NG's default of 175 words per minute is hurried for news; 160 is a calm reading pace.
ESPEAK_WORDS_PER_MINUTE = 160
ENGINE_TIMEOUT_S = 120


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def profile(self) -> str:
        """The normalisation table speech.speakable applies for this engine."""
        ...

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write `text` spoken as a mono 16-bit WAV file to `wav_path`; raise SynthesisError."""
        ...


def run_tool(
    cmd: list[str], *, stdin: str | None = None, what: str
) -> subprocess.CompletedProcess[bytes]:
    """Run an external program; any failure becomes a SynthesisError naming it."""
    if shutil.which(cmd[0]) is None:
        raise SynthesisError(f"{what}: the program {cmd[0]!r} is not installed or not on PATH")
    try:
        result = subprocess.run(
            cmd,
            input=stdin.encode() if stdin is not None else None,
            capture_output=True,
            timeout=ENGINE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SynthesisError(f"{what}: {cmd[0]} took longer than {ENGINE_TIMEOUT_S} s") from exc
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()[-500:]
        raise SynthesisError(f"{what}: {cmd[0]} exited with {result.returncode}: {detail}")
    return result


@dataclass(frozen=True)
class EspeakEngine:
    binary: str = "espeak-ng"
    voice: str = "de"
    words_per_minute: int = ESPEAK_WORDS_PER_MINUTE
    name: str = "espeak-ng"
    profile: str = "espeak"

    def synthesize(self, text: str, wav_path: Path) -> None:
        cmd = [self.binary, "-v", self.voice, "-s", str(self.words_per_minute)]
        run_tool([*cmd, "-w", str(wav_path), "--stdin"], stdin=text, what="eSpeak NG")


@dataclass(frozen=True)
class PiperEngine:
    """Piper (github.com/OHF-Voice/piper1-gpl or rhasspy/piper) with an .onnx voice model."""

    model: Path
    binary: str = "piper"
    name: str = "piper"
    # Piper's German voices read numbers and abbreviations much as eSpeak NG does (it
    # phonemises with espeak-ng's rules).
    profile: str = "espeak"

    def synthesize(self, text: str, wav_path: Path) -> None:
        if not self.model.is_file():
            raise SynthesisError(f"Piper: the voice model {self.model} does not exist")
        cmd = [self.binary, "--model", str(self.model), "--output_file", str(wav_path)]
        run_tool(cmd, stdin=text, what="Piper")


ENGINES = ("pico", "espeak", "piper")
# What listeners are told reads to them ("Gelesen von einer synthetischen Stimme (…)"), by
# the engine name stored with the audio.
VOICE_NAMES = {"pico": "SVOX Pico", "espeak-ng": "eSpeak NG", "piper": "Piper"}


def voice_name(engine: str) -> str:
    return VOICE_NAMES.get(engine, engine)


def engine_choice() -> str:
    """DEPESCHE_TTS_ENGINE; unset: piper with a voice model, else pico when importable, else
    espeak."""
    chosen = settings.TTS_ENGINE
    if chosen:
        return chosen
    if settings.PIPER_MODEL:
        return "piper"
    return "pico" if pico_available() else "espeak"


def engine_named(name: str) -> Engine:
    """The engine called `name` (one of ENGINES); SynthesisError when it cannot run here."""
    if name == "pico":
        if not pico_available():
            raise SynthesisError(
                "DEPESCHE_TTS_ENGINE=pico, but SVOX Pico (the package py-nanotts) is not "
                "installed: install it, or choose espeak"
            )
        return PicoEngine()
    if name == "piper":
        if not settings.PIPER_MODEL:
            raise SynthesisError("DEPESCHE_TTS_ENGINE=piper needs DEPESCHE_PIPER_MODEL (a voice)")
        return PiperEngine(model=Path(settings.PIPER_MODEL), binary=settings.PIPER_BINARY)
    if name == "espeak":
        return EspeakEngine()
    raise SynthesisError(f"unknown speech engine {name!r}: choose one of {', '.join(ENGINES)}")


def engine_from_settings() -> Engine:
    """The configured engine (engine_choice)."""
    return engine_named(engine_choice())
