"""Text helpers with no domain: word counting, teaser truncation, one-line header values,
mail addresses masked for logs."""

from __future__ import annotations

import math
import re
import unicodedata
from html import unescape

from django.utils.html import strip_tags

ELLIPSIS = "…"
# Trailing characters that look wrong directly before an ellipsis.
_TRAILING = " \t\n.,;:–—-(„\"'"
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)
# Control characters (\n, \r, \v, \f, NEL U+0085 …) and the Unicode line and paragraph
# separators (U+2028, U+2029): anything a mail header or a log line would break at.
_BREAKING = frozenset(("Cc", "Zl", "Zp"))
_SPACES = re.compile(r" {2,}")
# A mail address inside any text (an SMTP answer, an exception's message, a URL's user part):
# no quotes or brackets in the local part, so "{'anna@example.org': …}" keeps its quote.
_ADDRESS = re.compile(r"([\w.!#$%&*+/=?^`{|}~-])[\w.!#$%&*+/=?^`{|}~-]*@((?:[\w-]+\.)+[\w-]+)")


def _nfc(text: str) -> str:
    # Decomposed umlauts ("o" + U+0308) would count as two characters and split words apart.
    return unicodedata.normalize("NFC", text)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment; block ends become spaces so words never run together."""
    spaced = re.sub(r"(?i)<(br|/p|/li|/h[1-6]|/blockquote)\b[^>]*>", " ", html)
    return " ".join(_nfc(unescape(strip_tags(spaced))).split())


def count_words(text: str) -> int:
    """Words in plain text or HTML; hyphenated compounds ("Online-Handel") count once."""
    return len(_WORD.findall(html_to_text(text)))


def reading_minutes(words: int, words_per_minute: int) -> int:
    """Whole minutes to read `words`, rounded up, never below one."""
    return max(1, math.ceil(words / words_per_minute))


def truncate_at_word(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters (ellipsis included) at a word boundary.

    Text that already fits is returned unchanged (whitespace normalised). A word crossing the
    cut is dropped whole, never split, unless it is the only word, which is then cut hard.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    text = " ".join(_nfc(text).split())
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    head = text[: room + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > 0 else text[:room]
    head = head.rstrip(_TRAILING)
    if not head:
        head = text[:room]
    return head + ELLIPSIS


def one_line(text: str) -> str:
    """`text` as one line, for a mail header: every line break or other control character
    becomes a space, runs of spaces become one, and the ends are trimmed.

    Python's email package refuses a header value with any line break (U+2028 and NEL
    included), so a headline with one would fail every message that carries it.
    """
    spaced = "".join(" " if unicodedata.category(char) in _BREAKING else char for char in text)
    return _SPACES.sub(" ", spaced).strip()


def mask_addresses(text: str) -> str:
    """`text` with every mail address masked to its first character and domain
    ("a***@example.org"): SMTP servers and email services echo the recipient in their errors,
    and log lines (and error columns) must not carry readers' addresses."""
    return _ADDRESS.sub(r"\1***@\2", text)


# Labels agencies put in front of a credit themselves, in German and English: such a credit
# is shown as given, whatever the page's language ("Photo: Foto: dpa" was the bug).
_CREDIT_LABEL = re.compile(
    r"(?:fotos?|bild(?:er)?|quelle|grafik|illustration|photos?|pictures?|images?|source|"
    r"graphics?|credits?)\s*:",
    re.IGNORECASE,
)


def credit_line(text: str, label: str) -> str:
    """A credit with its label as German sites print it: "dpa" → "Foto: dpa". A credit that
    already starts with the label or with another credit label ("Foto: dpa", "Fotos: dpa/AP",
    "Quelle: dpa", "Photo: AP") stays as given; an empty one stays empty."""
    text = " ".join(_nfc(text).split())
    own = re.match(rf"{re.escape(label)}s?\s*:", text, re.IGNORECASE)
    if not text or own or _CREDIT_LABEL.match(text):
        return text
    return f"{label}: {text}"
