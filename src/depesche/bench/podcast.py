"""`depesche bench podcast`: a fixed German text of about 1,000 words → finished MP3, timed.

The text (podcast_text.txt, written for this benchmark) is news-like: dates, times, amounts,
percentages, abbreviations and acronyms, so normalisation is part of the work. Blocks are
separated by a blank line; each block's first line is its chapter title.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from depesche.audio.engines import engine_from_settings
from depesche.audio.script import Segment
from depesche.audio.synthesis import Progress, synthesize
from depesche.core.text import count_words

TEXT_FILE = Path(__file__).with_name("podcast_text.txt")


def script(max_words: int | None = None) -> list[Segment]:
    """The benchmark's segments; `max_words` cuts the text (whole sentences stay whole enough)."""
    segments: list[Segment] = []
    budget = max_words
    for block in TEXT_FILE.read_text(encoding="utf-8").strip().split("\n\n"):
        title, _, text = block.strip().partition("\n")
        if budget is not None:
            if budget <= 0:
                break
            words = text.split()
            text = " ".join(words[:budget])
            budget -= len(words)
        segments.append(Segment(title=title.strip(), text=text.strip()))
    return segments


def run(*, max_words: int | None = None, on_progress: Progress | None = None) -> dict[str, Any]:
    """Synthesise the text (normalisation, engine, joining, loudness, MP3) and time it all."""
    segments = script(max_words)
    engine = engine_from_settings()
    started = time.perf_counter()
    result = synthesize(segments, engine=engine, on_progress=on_progress)
    synthesis_s = time.perf_counter() - started
    return {
        "engine": engine.name,
        "words": sum(count_words(f"{s.title} {s.text}") for s in segments),
        "sentences": len(result.cues),
        "chapters": len(result.chapters["chapters"]),
        "audio_s": round(result.duration_s, 2),
        "synthesis_s": round(synthesis_s, 3),
        "realtime_factor": round(synthesis_s / result.duration_s, 4),
        "mp3_bytes": len(result.mp3),
        "cores": os.cpu_count(),
    }
