"""Signed tokens made as if earlier: expiry tested without waiting."""

from __future__ import annotations

import time

import pytest
from django.core import signing


def backdate_signing(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Tokens signed from now on carry a timestamp `seconds` in the past."""
    monkeypatch.setattr(
        signing.TimestampSigner,
        "timestamp",
        lambda self: signing.b62_encode(int(time.time() - seconds)),
    )
