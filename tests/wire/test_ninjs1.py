"""wire/formats/ninjs1.py: ninjs 1.x records (Depesche's own dialect included), read into a
WireArticle. What the earlier ninjs parser guaranteed still holds;
`section` and `description_text` are no longer required (the teaser falls back to the body)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import depesche.demo
from depesche.wire.formats import Format, RecordError, read_record


def record(**fields: Any) -> dict[str, Any]:
    """A valid ninjs 1 record; keyword arguments replace fields, None removes one."""
    data: dict[str, Any] = {
        "guid": "urn:newsml:depesche:2024:1",
        "uri": "https://agentur.example/2024/1",
        "headline": "Bundestag beschließt Haushalt",
        "description_text": "Nach langer Debatte steht der Etat.",
        "section": "Politik",
        "body_html": "<p>Text.</p>",
        "byline": "Anna Schmidt",
        "located": "Berlin",
        "firstcreated": "2024-05-02T08:00:00+02:00",
        "versioncreated": "2024-05-02T09:30:00+02:00",
        "subject": [{"name": "Haushalt"}, {"name": "Bundestag"}],
    }
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_reads_all_fields():
    article = read_record(record())

    assert article.format == Format.NINJS1
    assert article.record_id == "urn:newsml:depesche:2024:1"
    assert article.headline == "Bundestag beschließt Haushalt"
    assert article.teaser == "Nach langer Debatte steht der Etat."
    assert article.body_html == "<p>Text.</p>"
    assert article.section == "Politik"
    assert article.byline == "Anna Schmidt"
    assert article.located == "Berlin"
    assert article.tags == ["Haushalt", "Bundestag"]
    assert article.first_created == datetime(2024, 5, 2, 6, 0, tzinfo=UTC)
    assert article.version_time == datetime(2024, 5, 2, 7, 30, tzinfo=UTC)


def test_guid_wins_over_uri_and_uri_is_the_fallback():
    # Depesche's own records carry both; their articles are known by the guid.
    assert read_record(record()).record_id == "urn:newsml:depesche:2024:1"
    assert read_record(record(guid=None)).record_id == "https://agentur.example/2024/1"
    assert read_record(record(guid="  ")).record_id == "https://agentur.example/2024/1"


def test_demo_records_keep_their_guid_and_section():
    folder = Path(depesche.demo.__file__).parent / "articles"
    records: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        records += data if isinstance(data, list) else [data]
    assert len(records) > 5
    for raw in records:
        article = read_record(raw)
        assert article.format == Format.NINJS1
        assert article.record_id == raw["guid"]
        assert article.section == raw["section"]
        assert article.teaser == " ".join(raw["description_text"].split())


def test_section_and_description_are_optional_now():
    article = read_record(record(section=None, description_text=None))

    assert article.section == ""
    assert article.teaser == "Text."  # the body's first sentence


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"guid": None, "uri": None}, "'guid' or 'uri'"),
        ({"headline": None}, "no 'headline'"),
        ({"headline": "   "}, "no 'headline'"),
        ({"headline": "<b> </b>"}, "no 'headline'"),
        ({"headline": 42}, "'headline'"),
        ({"description_text": None, "body_html": None}, "neither a teaser"),
        ({"description_text": "<p> </p>", "body_html": "<p> </p>"}, "neither a teaser"),
    ],
)
def test_rejects_missing_fields_naming_them(fields, named):
    with pytest.raises(RecordError) as excinfo:
        read_record(record(**fields))
    assert named in str(excinfo.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("firstcreated", "gestern"),
        ("versioncreated", "gestern"),
        ("firstcreated", 42),
        ("versioncreated", 42),
        ("firstcreated", "2024-13-45T10:00:00"),
        ("embargoed", "morgen"),
    ],
)
def test_rejects_malformed_dates_naming_the_field(key, value):
    with pytest.raises(RecordError) as excinfo:
        read_record(record(**{key: value}))
    assert f"'{key}'" in str(excinfo.value)


def test_rejects_non_objects():
    for raw in (42, "text", ["a"], None):
        with pytest.raises(RecordError, match="JSON object"):
            read_record(raw)


def test_naive_dates_are_read_as_berlin_time():
    winter = read_record(record(firstcreated="2024-01-15T12:00:00", versioncreated=None))
    summer = read_record(record(firstcreated="2024-07-15T12:00:00", versioncreated=None))

    assert winter.first_created == datetime(2024, 1, 15, 11, 0, tzinfo=UTC)
    assert summer.first_created == datetime(2024, 7, 15, 10, 0, tzinfo=UTC)
    assert winter.version_time is None


def test_z_suffix_is_utc():
    article = read_record(record(firstcreated="2024-05-02T08:00:00Z"))
    assert article.first_created == datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


def test_subject_names_are_deduplicated_and_non_objects_ignored():
    subjects = [
        {"name": "Energie"},
        "Klima",
        {"name": " Energie "},
        {"code": "medtop:123"},
        {"name": ""},
        {"name": 7},
        None,
        {"name": "Erneuerbare Energien"},
        {"name": "Erneuerbare  Energien"},
        {"name": "Strompreis"},
    ]
    article = read_record(record(subject=subjects))
    assert article.tags == ["Energie", "Erneuerbare Energien", "Strompreis"]


def test_subject_must_be_a_list():
    with pytest.raises(RecordError, match="'subject' must be a list"):
        read_record(record(subject={"name": "Energie"}))


def test_nul_characters_are_rejected():
    # PostgreSQL cannot store them: such a record must fail alone, not abort the import.
    with pytest.raises(RecordError, match="'headline'"):
        read_record(record(headline="Haus\x00halt"))
    with pytest.raises(RecordError, match=r"'subject\[0\]\.name'"):
        read_record(record(subject=[{"name": "Haus\x00halt"}]))


def test_fingerprint_follows_content():
    same = read_record(record()).fingerprint
    assert read_record(record()).fingerprint == same
    assert read_record(record(headline="Anders")).fingerprint != same


def test_body_xhtml_and_body_text():
    xhtml = read_record(record(body_html=None, body_xhtml="<p>X</p>"))
    text = read_record(record(body_html=None, body_text="Eins.\nZwei & drei."))

    assert xhtml.body_html == "<p>X</p>"
    assert text.body_html == "<p>Eins.</p><p>Zwei &amp; drei.</p>"


def test_version_urgency_and_pubstatus():
    article = read_record(record(version="3", urgency=1, pubstatus="canceled"))

    assert (article.version, article.urgency, article.breaking) == (3, 1, True)
    assert article.pubstatus == "canceled"
    assert read_record(record(version="v3")).version is None
