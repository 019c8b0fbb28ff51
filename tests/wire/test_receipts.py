"""wire/receipts.py: the (record id, version key) a delivery is stored under."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from depesche.wire.formats.common import fingerprint
from depesche.wire.receipts import ReceiptKeyError, receipt_key

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


def test_digitalwires_is_keyed_by_urn_and_version():
    raw = json.loads((FIXTURES / "digitalwires" / "dw-1.json").read_text())
    assert receipt_key(raw) == (raw["urn"], str(raw["version"]))


def test_ninjs_prefers_guid_over_uri():
    raw = {"uri": "https://x.invalid/1", "guid": "urn:x:1", "version": "3"}
    assert receipt_key(raw) == ("urn:x:1", "3")


def test_ninjs_uri_alone_and_its_version():
    raw = json.loads((FIXTURES / "ninjs" / "2.0" / "dpa_text.json").read_text())
    record_id, version = receipt_key(raw)
    assert record_id == raw["uri"]
    assert version == "2"  # `version` wins over the version time


@pytest.mark.parametrize("field", ["versioncreated", "version_created", "versionCreated"])
def test_every_spelling_of_the_version_time_counts(field):
    assert receipt_key({"uri": "u", field: "2026-01-01T10:00:00Z"}) == (
        "u",
        "2026-01-01T10:00:00Z",
    )


def test_without_version_the_content_fingerprint_is_the_version():
    raw = {"uri": "u", "headline": "Ä"}
    assert receipt_key(raw) == ("u", fingerprint(raw))
    assert fingerprint(raw) == fingerprint({"headline": "Ä", "uri": "u"})
    assert fingerprint(raw) != fingerprint({**raw, "headline": "A"})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '{"uri": "u", "headline": "kaputt \\ud800"}',
            "an unpaired surrogate (\\ud800) in headline",
        ),
        ('{"uri": "u", "b": [{"c": "x\\u0000"}]}', "a NUL character (\\u0000) in b[0].c"),
        ('{"uri": "u", "\\udc00": 1}', "an unpaired surrogate (\\udc00) in a field name"),
    ],
)
def test_text_postgresql_cannot_store_is_rejected_naming_the_field(text, reason):
    # json.loads accepts both; jsonb refuses them (a 500 on push before this check).
    with pytest.raises(ReceiptKeyError, match=re.escape(reason)):
        receipt_key(json.loads(text))
    assert receipt_key(json.loads('{"uri": "u", "headline": "ok \\ud83d\\ude00"}'))[0] == "u"


def test_a_boolean_is_no_version_number():
    raw = {"uri": "u", "version": True}
    assert receipt_key(raw) == ("u", fingerprint(raw))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ([], "not a JSON object"),
        ({"headline": "x"}, "no record id"),
        ({"guid": "  ", "uri": None}, "no record id"),
        ({"guid": "x" * 256}, "record id longer than 255"),
        ({"guid": "x", "version": "v" * 65}, "version longer than 64"),
    ],
)
def test_unusable_records_name_the_reason(raw, reason):
    with pytest.raises(ReceiptKeyError, match=reason):
        receipt_key(raw)
