"""SVOX Pico (de-DE) through py-nanotts: the default German voice.

py-nanotts ships the Pico engine and its Apache-2.0 lingware as a wheel and returns 16 kHz
mono 16-bit PCM for a text; we write the WAV ourselves. Pico's limits, measured on
py-nanotts 0.1.1 (tests/audio/test_pico.py keeps them honest):

- A token (characters between spaces) of 200 characters is dropped silently and one of 300
  made the engine hang; 40,000 raise "pico_getData failed". Tokens over MAX_TOKEN_CHARS (no
  German word is that long; URLs and garbage are) are cut into parts.
- Long input works (600 words in one call), but one call holds the GIL and cannot be
  interrupted, so a sentence over MAX_CALL_CHARS is split at clause boundaries (";", ":",
  ",", dashes, brackets) and, only where a clause alone is too long, between words. Words
  are never cut.
- "<" and ">" are Pico markup (its SSML-like tags): they are replaced by spaces. Characters
  outside letters, digits, punctuation and spaces (emoji, symbols, control characters,
  private use) are dropped: Pico skips most of them, but not all reliably.
- At volume 1.0 the voice clips on loud syllables (36,962 clipped samples on the benchmark
  text); at 0.45 none do. The MP3's loudness is normalised afterwards anyway.
"""

from __future__ import annotations

import array
import re
import unicodedata
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depesche.audio.errors import SynthesisError

try:  # an optional wheel: eSpeak NG reads where it is missing (engines.engine_from_settings)
    from py_nanotts import NanoTTS
except ImportError:  # pragma: no cover - exercised by the espeak-only test's subprocess
    NanoTTS = None

SAMPLE_RATE = 16_000
MAX_TOKEN_CHARS = 80
MAX_CALL_CHARS = 400
PICO_VOLUME = 0.45
# Pico ends every call with about 0.8 s of silence: read one after another, sentences sound
# like a list. Trimmed to these (seconds): a breath between sentences, less between the
# clauses of one long sentence, almost none before the first word. Given a whole paragraph of
# the benchmark text in one call, Pico itself pauses about 0.55 s (median; 0.51-0.68) between
# sentences and 0.35 s at a comma (measured as silence below SILENCE); with LEAD_S and the
# trimmed edges these values give the same gaps, so sentence by sentence it reads as it would
# in one breath. (0.38 and 0.18 before were shorter than its own comma pause: hurried.)
SENTENCE_PAUSE_S = 0.5
CLAUSE_PAUSE_S = 0.3
LEAD_S = 0.03
# |sample| below this is silence (16-bit; Pico's noise floor is far below it).
SILENCE = 300

_CLAUSE_END = re.compile(r"(?<=[;:,)–—])\s+|\s+(?=[(–—])")
_KEEP = {"L", "N", "P", "Z"}  # letters, numbers, punctuation, separators


def pico_available() -> bool:
    return NanoTTS is not None


def clean(text: str) -> str:
    """What Pico is given: no markup brackets, no symbols it may choke on, no giant tokens."""
    text = unicodedata.normalize("NFC", text).replace("<", " ").replace(">", " ")
    text = "".join(ch if unicodedata.category(ch)[0] in _KEEP else " " for ch in text)
    tokens = []
    for token in text.split():
        while len(token) > MAX_TOKEN_CHARS:
            tokens.append(token[:MAX_TOKEN_CHARS])
            token = token[MAX_TOKEN_CHARS:]
        tokens.append(token)
    return " ".join(tokens)


def _pack(pieces: list[str], limit: int, joiner: str = " ") -> list[str]:
    """Greedily join `pieces` into runs of at most `limit` characters (a longer piece alone)."""
    runs: list[str] = []
    for piece in pieces:
        if runs and len(runs[-1]) + len(joiner) + len(piece) <= limit:
            runs[-1] = f"{runs[-1]}{joiner}{piece}"
        else:
            runs.append(piece)
    return runs


def chunks(text: str, limit: int = MAX_CALL_CHARS) -> list[str]:
    """`text` in pieces of at most `limit` characters, split at clause boundaries first and
    between words only where one clause is longer; every word stays whole."""
    text = clean(text)
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    for clause in _pack([c for c in _CLAUSE_END.split(text) if c], limit):
        parts.extend(_pack(clause.split(), limit) if len(clause) > limit else [clause])
    return parts


def _voiced(samples: array.array[int]) -> tuple[int, int]:
    """Index of the first and one past the last sample above the silence threshold."""
    loud = [i for i in range(0, len(samples), 80) if abs(samples[i]) > SILENCE]
    if not loud:
        return 0, 0
    return max(0, loud[0] - 80), min(len(samples), loud[-1] + 160)


@dataclass(frozen=True)
class PicoEngine:
    voice: str = "de-DE"
    volume: float = PICO_VOLUME
    name: str = "pico"
    # Which normalisation table speech.speakable applies (Pico reads some things differently).
    profile: str = "pico"

    def synthesize(self, text: str, wav_path: Path) -> None:
        if NanoTTS is None:
            raise SynthesisError("SVOX Pico: the package py-nanotts is not installed")
        pieces = chunks(text)
        if not pieces:
            raise SynthesisError("SVOX Pico: nothing speakable in the text")
        tts: Any = NanoTTS()
        out = array.array("h")
        for number, piece in enumerate(pieces):
            try:
                pcm = tts.speak(piece, voice=self.voice, volume=self.volume)
            except (RuntimeError, ValueError) as exc:
                raise SynthesisError(f"SVOX Pico: {exc}") from exc
            samples = array.array("h")
            samples.frombytes(pcm[: len(pcm) // 2 * 2])
            start, end = _voiced(samples)
            last = number == len(pieces) - 1
            pause = SENTENCE_PAUSE_S if last else CLAUSE_PAUSE_S
            if not out:
                out.extend([0] * round(LEAD_S * SAMPLE_RATE))
            out.extend(samples[start:end])
            out.extend([0] * round(pause * SAMPLE_RATE))
        with wave.open(str(wav_path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(SAMPLE_RATE)
            wav.writeframes(out.tobytes())
