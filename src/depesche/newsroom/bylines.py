"""Bylines as agencies and editors write them, read into the names of people.

"Von Marco Krefting und Sunrita Sen, dpa" names two people; "NTB" and "Redaktion" name none.
Pure text: no database, so the wire readers can use it too."""

from __future__ import annotations

import re

from django.utils.text import slugify

# Credits that are not people: agencies (their usual short forms) and the newsroom as a whole.
# A byline part that is one of these is a credit, not an author ("Von Andrej Sokolow, dpa").
NOT_PEOPLE = frozenset(
    {
        "afp",
        "agenturen",
        "anp",
        "ansa",
        "ap",
        "apa",
        "belga",
        "ddp",
        "dpa",
        "dpa-afx",
        "dpa-infocom",
        "dpa/tmn",
        "dts",
        "efe",
        "epd",
        "kna",
        "ntb",
        "red",
        "redaktion",
        "reuters",
        "rtr",
        "sda",
        "sid",
        "tmn",
        "tt",
    }
)
NAME_MAX = 120
_MAX_WORDS = 6  # "Maria del Carmen García de la Fuente"; longer is a sentence, not a name
# A leading "Von"/"By" (any case), possibly after "Ein Bericht" and the like is not handled:
# agencies write the plain form.
_LEAD = re.compile(r"^(?:von|by)\s+", re.IGNORECASE)
# Several people: commas, semicolons, slashes, "&", "und", "and".
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\bund\b|\band\b)\s*", re.IGNORECASE)
# "(dpa)" after a name is the agency's credit.
_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _is_person(part: str) -> bool:
    if not part or part.casefold() in NOT_PEOPLE:
        return False
    if "@" in part or any(ch.isdigit() for ch in part) or len(part) > NAME_MAX:
        return False
    # A name starts with a letter (not "-" or "…") and is a few words long.
    return part[0].isalpha() and len(part.split()) <= _MAX_WORDS


def byline_without_lead(byline: str) -> str:
    """The byline without a leading "Von"/"By", for a page that prints its own "Von"."""
    return _LEAD.sub("", byline.strip())


def byline_names(byline: str) -> list[str]:
    """The people a byline names, in its order, each once (compared by `author_key`)."""
    text = " ".join(byline.split())
    text = _PARENTHESES.sub(" ", text).strip()
    names: list[str] = []
    keys: set[str] = set()
    for raw in _SPLIT.split(text):
        part = _LEAD.sub("", raw.strip(" .:-")).strip(" .:-")
        if not _is_person(part):
            continue
        key = author_key(part)
        if key and key not in keys:
            keys.add(key)
            names.append(part)
    return names


def author_key(name: str) -> str:
    """The form under which one person's name is found again: case, spacing, hyphens and the
    umlauts' transliteration do not matter ("Jörg Müller-Lüdenscheidt" = "Joerg Mueller
    Luedenscheidt")."""
    return slugify(" ".join(name.split()).casefold().translate(_UMLAUTS)).replace("-", " ")


def author_slug_base(name: str) -> str:
    """A readable address for the author page (umlauts spelled out)."""
    return author_key(name).replace(" ", "-")[:NAME_MAX] or "autor"
