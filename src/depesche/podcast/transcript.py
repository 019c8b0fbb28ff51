"""Reading WebVTT back for the episode page (cue start, end and text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIMING = re.compile(r"^(?P<start>[\d:.]+)\s+-->\s+(?P<end>[\d:.]+)")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str

    def start_text(self) -> str:
        minutes, seconds = divmod(int(self.start), 60)
        return f"{minutes}:{seconds:02d}"


def seconds(stamp: str) -> float:
    """ "00:01:02.500" or "01:02.500" → seconds."""
    total = 0.0
    for part in stamp.split(":"):
        total = total * 60 + float(part)
    return total


def cues(vtt: str) -> list[Cue]:
    found = []
    for block in re.split(r"\r?\n\r?\n", vtt.strip()):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            match = _TIMING.match(line.strip())
            if match:
                text = " ".join(lines[i + 1 :]).strip()
                found.append(Cue(seconds(match["start"]), seconds(match["end"]), text))
                break
    return found
