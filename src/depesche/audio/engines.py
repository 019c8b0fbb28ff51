"""Speech engines: one small interface, eSpeak NG by default, Piper with a voice model.

An engine turns one sentence into one WAV file. Each call is a separate process, so sentences
can be synthesised in parallel threads (see synthesis.py).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from depesche.audio.errors import SynthesisError

# eSpeak NG's default of 175 words per minute is hurried for news; 160 is a calm reading pace.
ESPEAK_WORDS_PER_MINUTE = 160
ENGINE_TIMEOUT_S = 120


class Engine(Protocol):
    @property
    def name(self) -> str: ...

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

    def synthesize(self, text: str, wav_path: Path) -> None:
        cmd = [self.binary, "-v", self.voice, "-s", str(self.words_per_minute)]
        run_tool([*cmd, "-w", str(wav_path), "--stdin"], stdin=text, what="eSpeak NG")


@dataclass(frozen=True)
class PiperEngine:
    """Piper (github.com/OHF-Voice/piper1-gpl or rhasspy/piper) with an .onnx voice model."""

    model: Path
    binary: str = "piper"
    name: str = "piper"

    def synthesize(self, text: str, wav_path: Path) -> None:
        if not self.model.is_file():
            raise SynthesisError(f"Piper: the voice model {self.model} does not exist")
        cmd = [self.binary, "--model", str(self.model), "--output_file", str(wav_path)]
        run_tool(cmd, stdin=text, what="Piper")


def engine_from_settings() -> Engine:
    """Piper when a voice model is configured (DEPESCHE_PIPER_MODEL), else eSpeak NG."""
    if settings.PIPER_MODEL:
        return PiperEngine(model=Path(settings.PIPER_MODEL), binary=settings.PIPER_BINARY)
    return EspeakEngine()
