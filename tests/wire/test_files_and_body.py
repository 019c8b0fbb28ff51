"""wire/files.py (loading record files, directories) and wire/body.py (body HTML into
StreamField blocks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from depesche.wire.body import body_blocks, sanitise_html
from depesche.wire.files import expand_paths, load_records
from depesche.wire.formats.base import RecordError


def record(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"guid": "urn:newsml:depesche:2024:1", "headline": "Haushalt"}
    data.update(fields)
    return data


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
    with pytest.raises(RecordError, match=r"a record \(JSON object\) or a list of records"):
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


def test_a_directory_stands_for_its_json_files_in_name_order(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ["b/2.json", "a.json", "b/1.json", "notes.txt"]:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    single = tmp_path / "einzeln.json"
    single.write_text("{}", encoding="utf-8")

    assert expand_paths([tmp_path / "b", single]) == [
        tmp_path / "b/1.json",
        tmp_path / "b/2.json",
        single,
    ]
    assert [p.name for p in expand_paths([tmp_path])] == [
        "a.json",
        "1.json",
        "2.json",
        "einzeln.json",
    ]
