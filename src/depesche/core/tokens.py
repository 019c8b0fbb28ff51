"""Signed tokens for links in emails and cookies: tamper-proof, optionally expiring."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core import signing


class TokenInvalid(Exception):
    """The token was tampered with, truncated or made for another purpose."""


class TokenExpired(TokenInvalid):
    """The token is genuine but older than allowed."""


@functools.cache
def _signer(purpose: str, key: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=key, salt=f"depesche.{purpose}")


def make_token(purpose: str, value: Any) -> str:
    # What signing.dumps does, with the signer kept: alert mails make two tokens per reader.
    # Compression saves nothing on values this small.
    return _signer(purpose, settings.SECRET_KEY).sign_object(value)


def read_token(purpose: str, token: str, *, max_age: int | None = None) -> Any:
    """The value inside `token`. Raises TokenExpired or TokenInvalid."""
    try:
        return signing.loads(token, salt=f"depesche.{purpose}", max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise TokenInvalid(str(exc)) from exc
