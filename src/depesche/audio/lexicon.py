"""The pronunciation dictionary ("Aussprache") applied to a text before normalisation.

Pure functions over plain entries: the editors' snippets (models.Pronunciation) are read by
selectors.lexicon_current and passed in, so synthesis stays free of the database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = r"[\wÄÖÜäöüß]"


@dataclass(frozen=True)
class Entry:
    written: str
    spoken: str
    whole_word: bool = True
    case_sensitive: bool = True

    def regex(self) -> str:
        body = re.escape(self.written)
        if self.whole_word:
            body = rf"(?<!{_WORD}){body}(?!{_WORD})"
        return body if self.case_sensitive else f"(?i:{body})"


class Lexicon:
    """Entries tried longest written form first, so "CSTO-Gipfel" beats "CSTO"; one pass over
    the text, so a spoken form is never looked up again."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.entries = sorted(
            (e for e in entries if e.written.strip()), key=lambda e: (-len(e.written), e.written)
        )
        alternatives = "|".join(f"(?P<e{i}>{e.regex()})" for i, e in enumerate(self.entries))
        self._pattern = re.compile(alternatives) if self.entries else None

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _entry(self, match: re.Match[str]) -> Entry:
        assert match.lastgroup is not None
        return self.entries[int(match.lastgroup[1:])]

    def matching(self, text: str) -> list[Entry]:
        """The entries that change `text`, in lexicon order."""
        if self._pattern is None:
            return []
        found = {id(self._entry(m)): self._entry(m) for m in self._pattern.finditer(text)}
        return [entry for entry in self.entries if id(entry) in found]

    def apply(self, text: str) -> str:
        """`text` with every entry's written form replaced by its spoken form."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._entry(m).spoken, text)

    def key(self, text: str) -> str:
        """A digest of the entries that apply to `text` ("" when none do): part of the audio
        fingerprint, so a new or changed entry makes that text's audio again, and only that."""
        matched = self.matching(text)
        if not matched:
            return ""
        raw = "\n".join(
            f"{e.written}\t{e.spoken}\t{e.whole_word:d}{e.case_sensitive:d}" for e in matched
        )
        return hashlib.sha256(raw.encode()).hexdigest()
