"""A speech recogniser as the listener: how well is synthetic speech understood?

faster-whisper (CTranslate2) runs a Whisper model in CTranslate2 format from a folder
(`--asr-model DIR`); both it and the edit distance come with `pip install -e .[speech-bench]`.
The error rates compare the recogniser's transcript with the script the engine was given
(Sentence.spoken), both put through `normalise` first.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from num2words import num2words

from depesche.audio.speech import NUMBER_WORD, speakable

try:  # optional (the speech-bench extra): without it the benchmark reports no error rates
    from faster_whisper import WhisperModel
except ImportError:
    WhisperModel = None

try:
    from rapidfuzz.distance import Levenshtein
except ImportError:
    Levenshtein = None  # type: ignore[assignment]  # rapidfuzz is typed, the fallback is not

INSTALL_HINT = "pip install -e .[speech-bench]"
LANGUAGE = "de"
BEAM_SIZE = 5
COMPUTE_TYPE = "int8"
# The files faster-whisper needs in a CTranslate2 Whisper folder (tokenizer.json too, but a
# missing one is reported by faster-whisper itself when it loads).
MODEL_FILES = ("model.bin", "config.json")


class RecogniserError(Exception):
    """The recogniser cannot run: the message says what to do."""


def missing() -> str:
    """Why there is no recogniser in this environment ("" when faster-whisper and rapidfuzz
    are installed)."""
    absent = [
        name
        for name, module in (("faster-whisper", WhisperModel), ("rapidfuzz", Levenshtein))
        if module is None
    ]
    if not absent:
        return ""
    return f"no recogniser: {' and '.join(absent)} not installed ({INSTALL_HINT})"


def check_model_dir(path: Path) -> None:
    """Raise RecogniserError unless `path` looks like a CTranslate2 Whisper model folder."""
    if not path.is_dir():
        raise RecogniserError(f"--asr-model {path}: no such folder")
    absent = [name for name in MODEL_FILES if not (path / name).is_file()]
    if absent:
        raise RecogniserError(
            f"--asr-model {path}: not a Whisper model in CTranslate2 format "
            f"(missing {', '.join(absent)}; see the README, Performance)"
        )


@dataclass
class Recogniser:
    """Whisper (German, beam search 5, int8 on the CPU) loaded once for all transcripts."""

    model_dir: Path
    _model: Any = None

    def __post_init__(self) -> None:
        check_model_dir(self.model_dir)
        if WhisperModel is None:
            raise RecogniserError(missing())
        try:
            self._model = WhisperModel(
                str(self.model_dir),
                device="cpu",
                compute_type=COMPUTE_TYPE,
                cpu_threads=os.cpu_count() or 1,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise RecogniserError(f"--asr-model {self.model_dir}: cannot load: {exc}") from exc

    @property
    def description(self) -> str:
        version = metadata.version("faster-whisper")
        return (
            f"faster-whisper {version}, model {self.model_dir.name}, language {LANGUAGE}, "
            f"beam {BEAM_SIZE}, {COMPUTE_TYPE} on CPU"
        )

    def transcribe(self, audio: bytes) -> str:
        """The text heard in `audio` (any format ffmpeg's libraries decode, e.g. MP3)."""
        segments, _info = self._model.transcribe(
            io.BytesIO(audio), language=LANGUAGE, beam_size=BEAM_SIZE
        )
        return " ".join(segment.text.strip() for segment in segments)


# ---------------------------------------------------------------------------------------------
# Normalisation and error rates

_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Lower case, no punctuation, numbers as words, single spaces.

    Whisper writes what it hears as a newspaper would ("am 6. Januar", "0,25 Prozent", "EZB"),
    the script says it in words ("am sechsten Januar", "null Komma zwei fünf Prozent",
    "E-Zett-Be"). Both go through the same newsreader rules first (speech.speakable, the
    default table), so a correctly heard "6." is not counted as an error against "sechsten";
    digits left after that become cardinal number words. Hyphens and other punctuation
    separate words ("E-Zett-Be" = "e zett be"); a number written in parts is one word."""
    text = speakable(unicodedata.normalize("NFC", text))
    text = _DIGITS.sub(lambda m: f" {num2words(int(m.group(0)), lang=LANGUAGE)} ", text)
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text.lower())
    return " ".join(_join_number_parts(text.split()))


_SCALE_WORDS = ("hundert", "tausend")


def _join_number_parts(words: list[str]) -> list[str]:
    # The Pico profile writes long numbers in parts ("zweihundert einundvierzigtausend
    # dreihundert", speech._numbers_apart); a recogniser's "241.300" becomes one word. The same
    # number is one word on both sides.
    joined: list[str] = []
    for word in words:
        previous = joined[-1] if joined else ""
        if (
            NUMBER_WORD.fullmatch(previous)
            and NUMBER_WORD.fullmatch(word)
            and (previous.endswith(_SCALE_WORDS) or word.startswith(_SCALE_WORDS))
        ):
            joined[-1] = previous + word
        else:
            joined.append(word)
    return joined


@dataclass(frozen=True)
class ErrorRates:
    cer: float  # character edits / characters of the reference (spaces count)
    wer: float  # word edits / words of the reference


def error_rates(reference: str, hypothesis: str) -> ErrorRates:
    """Character and word error rate of `hypothesis` against `reference`, both normalised."""
    if Levenshtein is None:
        raise RecogniserError(missing())
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        raise ValueError("the reference text has no words")
    ref_words, hyp_words = ref.split(), hyp.split()
    return ErrorRates(
        cer=Levenshtein.distance(ref, hyp) / len(ref),
        wer=Levenshtein.distance(ref_words, hyp_words) / len(ref_words),
    )
