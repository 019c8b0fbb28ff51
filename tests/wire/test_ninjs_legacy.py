"""newsroom/ninjs.py: parsing and validating ninjs records, loading files, body conversion."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from depesche.wire.ninjs_legacy import (
    RecordError,
    body_blocks,
    load_records,
    parse_record,
    sanitise_html,
)


def record(**fields: Any) -> dict[str, Any]:
    """A valid ninjs record; keyword arguments replace fields, None removes one."""
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


# parse_record


def test_parse_record_reads_all_fields():
    article = parse_record(record())

    assert article.guid == "urn:newsml:depesche:2024:1"
    assert article.headline == "Bundestag beschließt Haushalt"
    assert article.teaser == "Nach langer Debatte steht der Etat."
    assert article.section == "Politik"
    assert article.byline == "Anna Schmidt"
    assert article.located == "Berlin"
    assert article.tags == ["Haushalt", "Bundestag"]
    assert article.firstcreated == datetime(2024, 5, 2, 6, 0, tzinfo=UTC)
    assert article.versioncreated == datetime(2024, 5, 2, 7, 30, tzinfo=UTC)


def test_parse_record_guid_falls_back_to_uri():
    assert parse_record(record(guid=None)).guid == "https://agentur.example/2024/1"
    assert parse_record(record(guid="  ")).guid == "https://agentur.example/2024/1"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"guid": None, "uri": None}, "'guid' or 'uri'"),
        ({"headline": None}, "'headline'"),
        ({"headline": "   "}, "'headline'"),
        ({"headline": "<b> </b>"}, "'headline'"),
        ({"description_text": None}, "'description_text'"),
        ({"description_text": "<p> </p>"}, "'description_text'"),
        ({"section": None}, "'section'"),
        ({"section": ""}, "'section'"),
        ({"headline": 42}, "'headline'"),
    ],
)
def test_parse_record_rejects_missing_fields_naming_them(fields, named):
    with pytest.raises(RecordError) as excinfo:
        parse_record(record(**fields))
    assert named in str(excinfo.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("firstcreated", "gestern"),
        ("versioncreated", "gestern"),
        ("firstcreated", 42),
        ("versioncreated", 42),
        ("firstcreated", "2024-13-45T10:00:00"),
    ],
)
def test_parse_record_rejects_malformed_dates_naming_the_field(key, value):
    with pytest.raises(RecordError) as excinfo:
        parse_record(record(**{key: value}))
    assert f"'{key}'" in str(excinfo.value)


def test_parse_record_rejects_non_objects():
    for raw in (42, "text", ["a"], None):
        with pytest.raises(RecordError, match="JSON object"):
            parse_record(raw)


def test_naive_dates_are_read_as_berlin_time():
    winter = parse_record(record(firstcreated="2024-01-15T12:00:00", versioncreated=None))
    summer = parse_record(record(firstcreated="2024-07-15T12:00:00", versioncreated=None))

    assert winter.firstcreated == datetime(2024, 1, 15, 11, 0, tzinfo=UTC)
    assert summer.firstcreated == datetime(2024, 7, 15, 10, 0, tzinfo=UTC)
    assert winter.versioncreated is None


def test_z_suffix_is_utc():
    article = parse_record(record(firstcreated="2024-05-02T08:00:00Z"))
    assert article.firstcreated == datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


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
    article = parse_record(record(subject=subjects))
    assert article.tags == ["Energie", "Erneuerbare Energien", "Strompreis"]


def test_subject_must_be_a_list():
    with pytest.raises(RecordError, match="'subject'"):
        parse_record(record(subject={"name": "Energie"}))


def test_nul_characters_are_rejected():
    # PostgreSQL cannot store them: such a record must fail alone, not abort the import.
    with pytest.raises(RecordError, match="'headline'"):
        parse_record(record(headline="Haus\x00halt"))
    with pytest.raises(RecordError, match="'subject'"):
        parse_record(record(subject=[{"name": "Haus\x00halt"}]))


def test_fingerprint_follows_content():
    same = parse_record(record()).fingerprint
    assert parse_record(record()).fingerprint == same
    assert parse_record(record(headline="Anders")).fingerprint != same


# load_records


def write(tmp_path: Path, content: Any, name: str = "records.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_records_wraps_a_single_object(tmp_path):
    assert load_records(write(tmp_path, record())) == [record()]


def test_load_records_returns_a_list_as_is(tmp_path):
    records = [record(), record(guid="zwei"), 42]
    assert load_records(write(tmp_path, records)) == records


def test_load_records_reports_invalid_json_with_line_and_column(tmp_path):
    path = write(tmp_path, '[\n  {"guid": "a",\n   "headline" "ohne Doppelpunkt"}\n]')
    with pytest.raises(RecordError) as excinfo:
        load_records(path)
    message = str(excinfo.value)
    assert message.startswith("invalid JSON")
    assert "line 3, column 15" in message


def test_load_records_rejects_non_utf8(tmp_path):
    path = write(tmp_path, '{"headline": "Stra\u00dfe"}'.encode("latin-1"))
    with pytest.raises(RecordError, match="not UTF-8"):
        load_records(path)


@pytest.mark.parametrize("content", ["42", '"text"', "null", "true"])
def test_load_records_rejects_other_json_values(tmp_path, content):
    with pytest.raises(RecordError, match="ninjs object or a list"):
        load_records(write(tmp_path, content))


# sanitise_html and body_blocks


def test_sanitise_removes_scripts_with_their_content():
    html = sanitise_html("<p>Vorher</p><script>alert('x')</script><style>p{}</style><p>Nachher</p>")
    assert html == "<p>Vorher</p><p>Nachher</p>"


def test_sanitise_removes_event_and_style_attributes():
    html = sanitise_html('<p onclick="steal()" style="color:red" class="x">Text</p>')
    assert html == "<p>Text</p>"


def test_sanitise_renames_strong_and_em():
    html = sanitise_html("<p><strong>fett</strong> und <EM>kursiv</EM></p>")
    assert html == "<p><b>fett</b> und <i>kursiv</i></p>"


def test_sanitise_drops_javascript_links_but_keeps_safe_ones():
    html = sanitise_html(
        '<p><a href="javascript:alert(1)">böse</a> '
        '<a href="https://example.org/" target="_blank" onclick="x()">gut</a></p>'
    )
    assert "javascript" not in html
    assert "böse" in html
    assert '<a href="https://example.org/">gut</a>' in html


def test_sanitise_unwraps_unknown_tags_and_drops_comments():
    html = sanitise_html("<div><p>Ein <span>Satz</span></p><!-- intern --><img src=x></div>")
    assert html == "<p>Ein Satz</p>"


def test_body_blocks_turn_h2_and_blockquote_into_blocks():
    blocks = list(
        body_blocks(
            "<p>Einleitung mit <strong>Nachdruck</strong>.</p>"
            '<h2 class="zw">Die Lage</h2>'
            "<p>Erster Absatz.</p><p>Zweiter Absatz.</p>"
            "<blockquote><p>Wir schaffen das.</p></blockquote>"
            "<ul><li>Punkt</li></ul>"
        )
    )
    assert blocks == [
        ("paragraph", "<p>Einleitung mit <b>Nachdruck</b>.</p>"),
        ("subheading", "Die Lage"),
        ("paragraph", "<p>Erster Absatz.</p><p>Zweiter Absatz.</p>"),
        ("quote", {"quote": "Wir schaffen das.", "attribution": ""}),
        ("paragraph", "<ul><li>Punkt</li></ul>"),
    ]


def test_body_blocks_drop_empty_content():
    blocks = list(
        body_blocks(
            "<p> </p><h2>Titel</h2><p>&nbsp;</p><h2> </h2>"
            "<blockquote> </blockquote><p><br></p><script>x()</script>"
        )
    )
    assert blocks == [("subheading", "Titel")]


def test_body_blocks_of_empty_body():
    assert list(body_blocks("")) == []


def test_load_records_accepts_a_utf8_byte_order_mark(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + '{"headline": "Größe"}'.encode())
    assert load_records(path) == [{"headline": "Größe"}]
