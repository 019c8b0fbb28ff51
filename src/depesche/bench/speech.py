"""`depesche bench speech`: each engine reads the benchmark text (and any `--text FILE`), timed,
and a speech recogniser listens to the MP3 (bench/asr.py): how fast, and how intelligible.

`synthesis_s` is the whole audio.synthesis.synthesize call (normalisation, the engine,
joining, loudness, MP3 encoding), as for article audio and the podcast; the recogniser's time
is not part of it.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from depesche.audio.engines import Engine, engine_named
from depesche.audio.pico import pico_available
from depesche.audio.script import Segment, sentences
from depesche.audio.synthesis import synthesize
from depesche.bench import asr, podcast
from depesche.core.text import count_words

Say = Callable[[str], None]


class TextError(ValueError):
    """A --text file that cannot be read as German text."""


@dataclass(frozen=True)
class Text:
    name: str
    segments: list[Segment]

    @property
    def words(self) -> int:
        return sum(count_words(f"{s.title} {s.text}") for s in self.segments)


def available_engines() -> list[str]:
    """Every engine that can run here: pico when py-nanotts imports, espeak when espeak-ng is
    on PATH, piper when DEPESCHE_PIPER_MODEL names a voice."""
    found = []
    if pico_available():
        found.append("pico")
    if shutil.which("espeak-ng"):
        found.append("espeak")
    if settings.PIPER_MODEL:
        found.append("piper")
    return found


def text_from_file(path: Path) -> Text:
    """A plain UTF-8 text file; paragraphs (separated by a blank line) become segments."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TextError(f"--text {path}: no such file") from exc
    except IsADirectoryError as exc:
        raise TextError(f"--text {path}: is a folder, not a text file") from exc
    except UnicodeDecodeError as exc:
        raise TextError(f"--text {path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise TextError(f"--text {path}: cannot be read ({exc.strerror})") from exc
    segments = [
        Segment(title="", text=block.strip()) for block in raw.split("\n\n") if block.strip()
    ]
    if not segments:
        raise TextError(f"--text {path}: the file has no text")
    return Text(name=path.name, segments=segments)


def benchmark_text() -> Text:
    return Text(name=podcast.TEXT_FILE.name, segments=podcast.script())


def measure(
    text: Text,
    engine: Engine,
    recogniser: asr.Recogniser | None,
    *,
    no_asr_reason: str,
    transcripts: Path | None,
    say: Say,
) -> dict[str, Any]:
    """One text read by one engine: the figures, and the error rates when a recogniser
    listens. With `transcripts`, the spoken script and what was heard are written there."""

    def progress(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            say(f"{engine.name}, {text.name}: synthesised {done}/{total} (the last is encoding)")

    started = time.perf_counter()
    result = synthesize(text.segments, engine=engine, on_progress=progress)
    synthesis_s = time.perf_counter() - started
    figures: dict[str, Any] = {
        "text": text.name,
        "engine": engine.name,
        "words": text.words,
        "sentences": len(result.cues),
        "audio_s": round(result.duration_s, 2),
        "synthesis_s": round(synthesis_s, 3),
        "realtime_factor": round(synthesis_s / result.duration_s, 4),
    }
    if recogniser is None:
        return figures | {"cer": None, "wer": None, "asr": no_asr_reason}
    say(f"{engine.name}, {text.name}: the recogniser listens to {result.duration_s:.0f} s")
    started = time.perf_counter()
    heard = recogniser.transcribe(result.mp3)
    asr_s = time.perf_counter() - started
    # The reference is what the engine was asked to say (synthesize's own script, made again
    # outside the timing), not what the article wrote.
    script = sentences(text.segments, profile=engine.profile)
    spoken = "\n".join(sentence.spoken for sentence in script)
    rates = asr.error_rates(spoken, heard)
    if transcripts is not None:
        stem = f"{Path(text.name).stem}.{engine.name}"
        (transcripts / f"{stem}.spoken.txt").write_text(spoken + "\n", encoding="utf-8")
        (transcripts / f"{stem}.heard.txt").write_text(heard + "\n", encoding="utf-8")
    return figures | {
        "cer": round(rates.cer, 4),
        "wer": round(rates.wer, 4),
        "asr_s": round(asr_s, 1),
    }


def run(
    *,
    engines: list[str],
    texts: list[Text],
    asr_model: Path | None,
    transcripts: Path | None = None,
    say: Say,
) -> dict[str, Any]:
    """Every text by every engine. Raises SynthesisError for an engine that cannot run and
    asr.RecogniserError for a model folder that is not one (both before any synthesis)."""
    chosen = [engine_named(name) for name in engines]
    recogniser = None
    reason = asr.missing()
    if asr_model is None:
        reason = f"no recogniser: pass --asr-model DIR ({asr.INSTALL_HINT})"
    else:
        asr.check_model_dir(asr_model)  # a wrong folder is an error even without the package
        if not reason:
            say(f"loading the recogniser from {asr_model}")
            recogniser = asr.Recogniser(asr_model)
    results = [
        measure(text, engine, recogniser, no_asr_reason=reason, transcripts=transcripts, say=say)
        for text in texts
        for engine in chosen
    ]
    return {
        "asr": recogniser.description if recogniser else reason,
        "cores": os.cpu_count(),
        "results": results,
    }


COLUMNS = ("text", "engine", "words", "audio_s", "synthesis_s", "realtime_factor", "cer", "wer")


def table(result: dict[str, Any]) -> str:
    """The figures as a plain-text table, and the recogniser (or why there is none)."""
    rows = [list(COLUMNS)]
    rows += [["–" if r[c] is None else str(r[c]) for c in COLUMNS] for r in result["results"]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", f"recogniser: {result['asr']}", f"cores: {result['cores']}"])
