"""What makes two deliveries of a record "the same": its id and a version key.

Push and poll both store a WireReceipt per (feed, record id, version key); a repeated delivery
of the same version finds the row and is a duplicate. The key is computed from the raw record
before any format is detected, so it reads only fields every supported format names the same
way (or one of a few spellings).
"""

from __future__ import annotations

from typing import Any

from depesche.wire.formats.common import fingerprint

# The model's column widths (WireReceipt.record_id, WireReceipt.version).
MAX_ID_LENGTH = 255
MAX_VERSION_LENGTH = 64

# dpa-digitalwires names the record `urn`; ninjs `uri` and/or `guid`. The demo's (and older
# ninjs producers') records carry both, with `guid` the stable one: it comes first.
_ID_FIELDS = ("urn", "guid", "uri")
# ninjs 1.x/2.x and digitalwires spell the version time `versioncreated` (digitalwires also
# `version_created`), ninjs 3.x `versionCreated`.
_VERSION_TIME_FIELDS = ("versioncreated", "version_created", "versionCreated")


class ReceiptKeyError(ValueError):
    """The record cannot be stored as a receipt; the message says why."""


def receipt_key(raw: Any) -> tuple[str, str]:
    """(record id, version key) of a raw record. The version key is the record's `version`,
    else its version time, else its content fingerprint.

    Raises ReceiptKeyError for a record that is no JSON object or has no usable id."""
    if not isinstance(raw, dict):
        raise ReceiptKeyError("not a JSON object")
    problem = unstorable(raw)
    if problem:
        raise ReceiptKeyError(problem)
    record_id = _first_text(raw, _ID_FIELDS)
    if record_id is None:
        raise ReceiptKeyError("no record id (urn, guid or uri)")
    if len(record_id) > MAX_ID_LENGTH:
        raise ReceiptKeyError(f"record id longer than {MAX_ID_LENGTH} characters")
    version = _version(raw.get("version"))
    if version is None:
        version = _first_text(raw, _VERSION_TIME_FIELDS)
    if version is None:
        version = fingerprint(raw)
    if len(version) > MAX_VERSION_LENGTH:
        raise ReceiptKeyError(f"version longer than {MAX_VERSION_LENGTH} characters")
    return record_id, version


def _bad_char(text: str) -> str | None:
    for char in text:
        if char == "\x00":
            return "a NUL character (\\u0000)"
        if "\ud800" <= char <= "\udfff":
            return f"an unpaired surrogate (\\u{ord(char):04x})"
    return None


def unstorable(raw: Any) -> str | None:
    """Why `raw` cannot be stored as JSON text, or None. JSON allows "\\u0000" and lone
    surrogates ("\\ud800"), json.loads accepts them, but PostgreSQL's jsonb refuses both and
    neither is text a reader could be shown: such a record is rejected, naming the field."""
    stack: list[tuple[str, Any]] = [("", raw)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                problem = _bad_char(str(key))
                if problem:
                    return f"{problem} in a field name at {where or 'top level'}"
                stack.append((path, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, str):
            problem = _bad_char(value)
            if problem:
                return f"{problem} in {where}"
    return None


def _first_text(raw: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    for name in fields:
        value = raw.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _version(value: Any) -> str | None:
    # bool is an int to Python, but `"version": true` is no version number.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
