"""Helpers the format readers share. (Provisional: tag_key only.)"""

from __future__ import annotations

import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def tag_key(name: str) -> str:
    """One key for spellings of one tag: "Börse", "Boerse" and " BÖRSE " are equal."""
    folded = unicodedata.normalize("NFC", name).casefold().translate(_FOLD)
    return " ".join(folded.split())
