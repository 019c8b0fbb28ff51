"""Script → MP3 with chapters and a WebVTT transcript whose cue times match the audio.

Every sentence is synthesised to a WAV file of its own (in parallel threads: each engine call
is a separate process), so each cue's start and end are the exact sums of WAV durations. The
pieces are joined, loudness-normalised and encoded once.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depesche.audio.encoding import Piece, concatenate, encode_mp3, probe
from depesche.audio.engines import Engine, engine_from_settings
from depesche.audio.errors import SynthesisError
from depesche.audio.lexicon import Lexicon
from depesche.audio.script import Segment, Sentence, sentences

logger = logging.getLogger(__name__)

# Silence between two segments (chapters); sentences inside one follow the engine's own pauses.
SEGMENT_PAUSE_S = 0.8

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class Synthesis:
    mp3: bytes
    duration_s: float  # of the MP3, as ffprobe decodes it
    speech_s: float  # sum of the sentence WAVs and pauses: the cue timeline
    chapters: dict[str, Any]  # Podcasting 2.0 JSON chapters
    cues: list[Cue]
    engine: str

    @property
    def transcript_vtt(self) -> str:
        return webvtt(self.cues)


def synthesize(
    segments: list[Segment],
    *,
    engine: Engine | None = None,
    lexicon: Lexicon | None = None,
    on_progress: Progress | None = None,
    workers: int | None = None,
) -> Synthesis:
    """Speak `segments` and encode them; raise SynthesisError naming what failed.

    `lexicon` (the editors' pronunciation dictionary, selectors.lexicon_current) is applied
    before the engine's normalisation.

    `on_progress(done, total)` is called from the calling thread after every sentence and once
    more after encoding (done == total).
    """
    engine = engine or engine_from_settings()
    script = _script(segments, engine, lexicon)
    total = len(script) + 1
    workers = workers or (os.cpu_count() or 1)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="depesche-audio-") as folder:
        tmp = Path(folder)
        wavs = [tmp / f"{index:05d}.wav" for index in range(len(script))]
        _speak_all(engine, script, wavs, workers, total, on_progress)
        pieces = [
            Piece(wav, SEGMENT_PAUSE_S if i and script[i].segment != script[i - 1].segment else 0)
            for i, wav in enumerate(wavs)
        ]
        spans = concatenate(pieces, tmp / "all.wav")
        mp3_path = tmp / "out.mp3"
        encode_mp3(tmp / "all.wav", mp3_path)
        duration = probe(mp3_path).duration_s
        mp3 = mp3_path.read_bytes()
    if on_progress:
        on_progress(total, total)
    cues = [Cue(start, end, s.text) for s, (start, end) in zip(script, spans, strict=True)]
    # The caller logs the event (which article, which episode); this is the detail.
    logger.debug(
        "synthesised %d sentences, %.1f s of audio in %.1f s (%s)",
        len(script),
        duration,
        time.monotonic() - started,
        engine.name,
    )
    return Synthesis(
        mp3=mp3,
        duration_s=duration,
        speech_s=spans[-1][1],
        chapters=chapters(segments, script, cues),
        cues=cues,
        engine=engine.name,
    )


def synthesize_wav(
    segments: list[Segment], *, engine: Engine | None = None, lexicon: Lexicon | None = None
) -> bytes:
    """Speak `segments` as one WAV file's bytes, as the engine made them (no loudness pass,
    no MP3): a quick listen, e.g. the admin's pronunciation preview. Raise SynthesisError."""
    engine = engine or engine_from_settings()
    script = _script(segments, engine, lexicon)
    with tempfile.TemporaryDirectory(prefix="depesche-audio-") as folder:
        tmp = Path(folder)
        wavs = [tmp / f"{index:05d}.wav" for index in range(len(script))]
        _speak_all(engine, script, wavs, min(len(script), os.cpu_count() or 1), 0, None)
        concatenate([Piece(wav) for wav in wavs], tmp / "all.wav")
        return (tmp / "all.wav").read_bytes()


def _script(segments: list[Segment], engine: Engine, lexicon: Lexicon | None) -> list[Sentence]:
    """The sentences `engine` is given (dictionary, then its normalisation); never empty."""
    script = sentences(segments, profile=engine.profile, lexicon=lexicon)
    if not script:
        raise SynthesisError("nothing to synthesise: the script has no text")
    return script


def _speak_all(
    engine: Engine,
    script: list[Sentence],
    wavs: list[Path],
    workers: int,
    total: int,
    on_progress: Progress | None,
) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(engine.synthesize, s.spoken, wav)
            for s, wav in zip(script, wavs, strict=True)
        ]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if on_progress:
                    on_progress(done, total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def chapters(segments: list[Segment], script: list[Sentence], cues: list[Cue]) -> dict[str, Any]:
    """Podcasting 2.0 chapters (JSON chapters 1.2.0): one per segment that has speech."""
    starts: dict[int, float] = {}
    for sentence, cue in zip(script, cues, strict=True):
        starts.setdefault(sentence.segment, cue.start_s)
    return {
        "version": "1.2.0",
        "chapters": [
            {"startTime": round(start, 3), "title": segments[index].title}
            for index, start in sorted(starts.items())
        ],
    }


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def webvtt(cues: list[Cue]) -> str:
    """A WebVTT transcript: one cue per sentence, as written."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        # "-->" must not appear in cue text; blank lines would end the cue early.
        text = " ".join(cue.text.replace("-->", "→").split())
        blocks.append(f"{number}\n{_timestamp(cue.start_s)} --> {_timestamp(cue.end_s)}\n{text}")
    return "\n\n".join(blocks) + "\n"
