"""Readers' addresses shown to those without "Leserdaten exportieren": enough to tell rows apart
at a glance, not to read the address. Used by the readers' and the delivery admin alike."""

from __future__ import annotations

import re

# An address inside free text, as mail servers echo it in their answers ("550 <anna@example.org>
# unknown"): a local part, "@", a domain with at least one dot. Loose on purpose, since a miss
# shows an address; \w covers umlauts in either part.
ADDRESS_IN_TEXT = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def email_masked(email: str) -> str:
    """ "anna@example.org" -> "a…@example.org"."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if at else "…"


def emails_masked_in(text: str) -> str:
    """`text` with every address in it masked like `email_masked`."""
    return ADDRESS_IN_TEXT.sub(lambda match: email_masked(match.group()), text)
