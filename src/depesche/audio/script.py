"""A spoken script: segments (title + text), cut into the sentences that become cues."""

from __future__ import annotations

import re
from dataclasses import dataclass

from depesche.audio.lexicon import Lexicon
from depesche.audio.speech import SENTENCE_STARTERS, speakable


@dataclass(frozen=True)
class Segment:
    """One chapter: an article, a topic, a greeting. The title is spoken first."""

    title: str
    text: str


def script_text(segments: list[Segment]) -> str:
    """The script as one text (titles and texts), for what looks at it whole: the audio's
    fingerprint and the pronunciation scan match the dictionary against the same text."""
    return "\n".join(f"{segment.title}\n{segment.text}" for segment in segments)


@dataclass(frozen=True)
class Sentence:
    segment: int  # index into the script's segments
    text: str  # as written: the transcript shows it
    spoken: str  # as the engine gets it


# A boundary: sentence punctuation (maybe a closing quote) and space before what may start one.
_BOUNDARY = re.compile(r"[.!?…][\"“”»«’)]?(?=\s+[\"„“»«(A-ZÄÖÜ0-9])")
# A period that does not end a sentence: initials and short abbreviations ("z. B.", "Dr.",
# "u. a."), ordinals and dates ("am 6. Januar").
_NOT_AN_END = re.compile(
    r"(?:\b[A-Za-zÄÖÜäöü]|\b(?:Dr|Prof|Nr|St|bzw|ca|Abs|Hr|Fr|Jh|vgl|Str|inkl|ggf)|\d{1,2})\.$"
)


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text; every line is at least one sentence of its own."""
    sentences: list[str] = []
    for line in text.splitlines():
        ends = [m.end() for m in _BOUNDARY.finditer(line)]
        pieces = [line[a:b] for a, b in zip([0, *ends], [*ends, len(line)], strict=True)]
        merged: list[str] = []
        for piece in (p.strip() for p in pieces):
            if not piece:
                continue
            if merged and _NOT_AN_END.search(merged[-1]) and _continues(merged[-1], piece):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        sentences.extend(merged)
    return sentences


def _continues(before: str, after: str) -> bool:
    # "… auf Platz 3. Danach …": a number before a typical first word ends the sentence.
    first = after.split(maxsplit=1)[0]
    return not (before[-2:-1].isdigit() and first in SENTENCE_STARTERS)


def _titled(title: str) -> str:
    # A title without final punctuation would be read with rising, unfinished intonation.
    title = title.strip()
    return title if title[-1:] in ".!?…:" else f"{title}."


def sentences(
    segments: list[Segment], *, profile: str = "espeak", lexicon: Lexicon | None = None
) -> list[Sentence]:
    """The script's sentences in speaking order, each with its spoken form: the editors'
    pronunciation dictionary first, then the normalisation table of the engine's `profile`."""
    lexicon = lexicon or Lexicon()
    result: list[Sentence] = []
    for index, segment in enumerate(segments):
        written = [segment.title.strip()] if segment.title.strip() else []
        written += split_sentences(segment.text)
        for number, text in enumerate(written):
            written_form = _titled(text) if number == 0 and segment.title else text
            spoken = speakable(lexicon.apply(written_form), profile=profile)
            if spoken.strip(" .!?…:"):
                result.append(Sentence(segment=index, text=text, spoken=spoken))
    return result
