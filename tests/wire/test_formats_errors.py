"""wire/formats: detection rules, bad records, tag keys, caps and categories."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest

from depesche.wire.formats import (
    Category,
    CategoryKind,
    Format,
    RecordError,
    RecordSkipped,
    detect_format,
    read_record,
    tag_key,
)
from depesche.wire.formats.bodies import insert_dateline, shape_html, teaser_from_body
from tests.support.wire_records import wire_record, wire_record_names


def ninjs2(**fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "uri": "urn:test:1",
        "headlines": [{"role": "main", "value": "Schlagzeile"}],
        "descriptions": [{"role": "summary", "value": "Vorspann."}],
        "bodies": [{"contenttype": "text/html", "value": "<p>Text.</p>"}],
    }
    record.update(fields)
    return record


# detection


def test_version_marker_wins_over_shape():
    # camelCase fields, but the record says 2.0
    record = {"$schema": "https://www.iptc.org/std/ninjs/ninjs-schema_2.0.json", **ninjs2()}
    record["versionCreated"] = "2024-01-01T10:00:00Z"
    assert detect_format(record) == Format.NINJS2
    record = {"standard": {"name": "ninjs", "version": "3.1"}, **ninjs2()}
    assert detect_format(record) == Format.NINJS3
    assert detect_format({"$standard": {"version": "1.4"}, **ninjs2()}) == Format.NINJS1


def test_shapes_without_markers():
    assert detect_format(ninjs2()) == Format.NINJS2
    assert detect_format(ninjs2(versionCreated="2024-01-01T10:00:00Z")) == Format.NINJS3
    assert detect_format({"headline": "X", "body_html": "<p>x</p>"}) == Format.NINJS1
    assert detect_format({"urn": "urn:x", "article_html": "<p>x</p>"}) == Format.DIGITALWIRES


def test_unsupported_ninjs_version_is_named():
    with pytest.raises(RecordError, match="unsupported ninjs version 4.0"):
        detect_format({"$schema": "https://example.org/ninjs-schema_4.0.json", **ninjs2()})


# bad records


@pytest.mark.parametrize("raw", [42, "text", ["a"], None])
def test_not_an_object(raw):
    with pytest.raises(RecordError, match="JSON object"):
        read_record(raw)


def test_unknown_shape_names_the_reason():
    with pytest.raises(RecordError, match="not a ninjs or dpa-digitalwires record: no headline"):
        read_record({"id": 1, "title": "Was ist das?"})


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("digitalwires/eil.json", {"headline": None}, "no 'headline'"),
        ("digitalwires/eil.json", {"headline": 42}, "'headline' must be a string"),
        ("digitalwires/eil.json", {"headline": "Eil\x00"}, "'headline' contains a NUL"),
        ("digitalwires/eil.json", {"urn": None}, "no 'urn'"),
        ("digitalwires/eil.json", {"version_created": "gestern"}, "'version_created' is not"),
        ("digitalwires/eil.json", {"embargoed": 1737655200}, "'embargoed' must be an ISO"),
        ("digitalwires/eil.json", {"pubstatus": "maybe"}, "'pubstatus' is not usable"),
        ("digitalwires/eil.json", {"urgency": "hoch"}, None),  # not numeric: no urgency
        ("digitalwires/eil.json", {"urgency": [2]}, "'urgency' must be a number"),
        ("digitalwires/eil.json", {"categories": {"a": 1}}, "'categories' must be a list"),
        ("digitalwires/eil.json", {"teaser": None, "article_html": "<p> </p>"}, "neither"),
        ("ninjs/2.0/ntb_text.json", {"headlines": []}, "no 'headlines' or 'headline'"),
        ("ninjs/2.0/ntb_text.json", {"headlines": "Titel"}, "'headlines' must be a list"),
        ("ninjs/2.0/ntb_text.json", {"descriptions": []}, "neither a teaser"),
        ("ninjs/2.0/ntb_text.json", {"versioncreated": "2019-13-45"}, "'versioncreated'"),
        ("ninjs/3.3/ntb_text.json", {"firstCreated": "gestern"}, "'firstCreated' is not"),
        ("ninjs/3.3/ntb_text.json", {"uri": None}, "no 'uri' or 'guid'"),
        ("ninjs/2.0/tt_text_image_2.json", {"by": "A\x00"}, "'by' contains a NUL"),
    ],
)
def test_bad_records_name_the_problem(name, change, message):
    record = wire_record(name)
    for key, value in change.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    if message is None:
        assert read_record(record).urgency is None
        return
    with pytest.raises(RecordError, match=message):
        read_record(record)


def test_nested_wrong_types_name_the_field():
    record = wire_record("ninjs/2.0/tt_text_image_2.json")
    record["associations"][0]["renditions"][0]["width"] = "breit"
    record["bodies"][1]["value"] = 42
    with pytest.raises(RecordError, match=r"'bodies\[1\]\.value' must be a string"):
        read_record(record)
    record["bodies"][1]["value"] = "<p>x</p>"
    read_record(record)  # "breit" is not a number: no width
    record["associations"][0]["renditions"][0]["width"] = {"px": 1}
    with pytest.raises(RecordError, match=r"'associations\[0\]\.renditions\[0\]\.width'"):
        read_record(record)


_WRONG = (42, True, ["x", 1], {"a": {"b": None}}, "\x00", "")


@pytest.mark.parametrize("name", wire_record_names())
def test_any_wrong_type_in_any_field_is_a_record_error_never_a_crash(name):
    original = wire_record(name)
    for key in original:
        for value in _WRONG:
            record = copy.deepcopy(original)
            record[key] = value
            # Only our two exceptions may come out; a TypeError or KeyError fails the test.
            with contextlib.suppress(RecordError, RecordSkipped):
                read_record(record)


def test_caps():
    record = wire_record("digitalwires/dw-1.json")
    record.update(headline="H" * 300, kicker="K" * 200, byline="B" * 300, urn="u" * 300)
    article = read_record(record)
    assert (len(article.headline), len(article.kicker), len(article.byline)) == (255, 120, 255)
    assert len(article.record_id) == 255


def test_headline_tags_are_stripped():
    article = read_record(ninjs2(headlines=[{"role": "main", "value": "<b>Fett</b> &amp; dünn"}]))
    assert article.headline == "Fett & dünn"


def test_headline_role_main_first():
    headlines = [{"role": "sub", "value": "Unterzeile"}, {"role": "main", "value": "Haupt"}]
    assert read_record(ninjs2(headlines=headlines)).headline == "Haupt"


def test_description_roles_summary_first_and_not_the_creditline():
    descriptions = [
        {"role": "creditline", "value": "ASSOCIATED PRESS"},
        {"role": "text", "value": "Text-Rolle."},
        {"role": "summary", "value": "<p>Zusammen&shy;fassung.</p>", "contenttype": "text/html"},
    ]
    article = read_record(ninjs2(descriptions=descriptions))
    assert article.teaser == "Zusammen\xadfassung."
    assert article.creditline == "ASSOCIATED PRESS"
    # A creditline alone is no teaser: the body's first sentence is.
    assert read_record(ninjs2(descriptions=descriptions[:1])).teaser == "Text."


def test_text_and_composite_types_are_articles_others_skipped():
    assert read_record(ninjs2(type="text")).headline == "Schlagzeile"
    assert read_record(ninjs2(type="composite")).headline == "Schlagzeile"
    with pytest.raises(RecordSkipped, match="composite without a text body"):
        read_record(ninjs2(type="composite", bodies=[]))
    for kind in ("graphic", "video", "audio", "planning", "collection", "component"):
        with pytest.raises(RecordSkipped, match=kind):
            read_record(ninjs2(type=kind))


# categories and tags


def test_tag_key():
    assert tag_key("Börse") == tag_key("Boerse") == tag_key(" BÖRSE ") == "boerse"
    assert tag_key("Bo\u0308rse") == "boerse"  # decomposed umlaut
    assert tag_key("Straße") == tag_key("STRASSE") == "strasse"
    assert tag_key("Erneuerbare   Energien") == "erneuerbare energien"
    assert tag_key("Börse") != tag_key("Borse")


def test_mediatopics_are_normalised_and_not_tags():
    subjects = [
        {"name": "Wirtschaft", "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000"},
        {"name": "Politik", "code": "medtop:11000000"},
        {"name": "Börse", "code": "boerse"},
        {"name": "Boerse"},
    ]
    article = read_record(ninjs2(subjects=subjects, keywords=["Haushalt", "haushalt"]))

    assert Category(CategoryKind.MEDIATOPIC, "medtop:04000000", "Wirtschaft") in (
        article.categories
    )
    assert Category(CategoryKind.MEDIATOPIC, "medtop:11000000", "Politik") in article.categories
    assert article.tags == ["Börse", "Haushalt"]


def test_genres_profile_places_section():
    record = ninjs2(
        genres=[{"code": "ANA", "name": "Analyse"}],
        profile="PUBL",
        places=[{"name": "  Berlin  Mitte "}],
        section="Politik",
    )
    article = read_record(record)
    assert Category(CategoryKind.GENRE, "ANA", "Analyse") in article.categories
    assert Category(CategoryKind.PROFILE, "PUBL", "PUBL") in article.categories
    assert article.tags == ["Berlin Mitte"]
    assert article.section == "Politik"


def test_tags_are_capped_at_100_characters():
    article = read_record(ninjs2(keywords=["x" * 150]))
    assert article.tags == ["x" * 100]


def test_ninjs_picture_associations_only_http_and_images():
    associations = {
        "featureimage": {
            "type": "picture",
            "uri": "urn:bild:1",
            "headline": "Bildtitel",
            "copyrightholder": "Agentur",
            "renditions": {
                "ftp": {"href": "ftp://example.org/a.jpg", "mimetype": "image/jpeg"},
                "js": {"href": "javascript:alert(1)"},
                "xml": {"href": "https://example.org/caption.xml", "mimetype": "text/xml"},
                "big": {"href": "https://example.org/a.jpg", "width": "800", "height": 600},
            },
        },
        "video": {"type": "video", "renditions": {"v": {"href": "https://example.org/v.mp4"}}},
        "empty": {"type": "picture", "renditions": {"x": {"href": "data:image/png;base64,AA"}}},
    }
    (image,) = read_record(ninjs2(associations=associations)).images
    assert [r.href for r in image.renditions] == ["https://example.org/a.jpg"]
    assert (image.renditions[0].width, image.renditions[0].height) == (800, 600)
    assert (image.caption, image.credit, image.record_id) == ("Bildtitel", "Agentur", "urn:bild:1")


def test_signals_mark_corrections():
    assert read_record(ninjs2(signals=[{"qcode": "sig:correction"}])).correction is True
    assert read_record(ninjs2(signal="sig:correction")).correction is True
    assert read_record(ninjs2(signals=["sig:update"])).correction is False


# bodies


def test_shape_html_keeps_blocks_and_wraps_loose_text():
    html = shape_html(
        "<html><head><title>T</title></head><body><section><h1>Titel</h1>"
        "Loser <b>Text</b><h2>Zwischen</h2><p>Absatz</p></section></body></html>"
    )
    assert html == "<p>Loser <b>Text</b></p><h2>Zwischen</h2><p>Absatz</p>"


def test_shape_html_survives_unbalanced_markup():
    assert shape_html("<figure><p>Bild</figure><p>Text</p>") == "<p>Text</p>"
    assert shape_html("<p>a &amp; b</p>") == "<p>a &amp; b</p>"


def test_insert_dateline_once_into_the_first_paragraph_with_text():
    body = "<p></p><p>Text.</p>"
    assert insert_dateline(body, "Berlin (dpa) - ") == "<p></p><p>Berlin (dpa) - Text.</p>"
    done = "<p>Berlin (dpa) - Text.</p>"
    assert insert_dateline(done, "Berlin (dpa) - ") == done
    assert insert_dateline("<h2>Nur Titel</h2>", "Kiel (dpa) - ").startswith("<p>Kiel (dpa) -")


def test_teaser_fallback_cuts_at_sentences_then_words():
    sentence = "Ein Satz mit einigen Wörtern darin. "
    text = sentence * 20
    teaser = teaser_from_body(f"<p>{text}</p>")
    assert len(teaser) <= 300
    assert teaser.endswith("darin.")
    assert teaser == (sentence * 8).strip()  # 8 × 36 − 1 = 287; a ninth would be 323

    long = "Wort " * 100
    teaser = teaser_from_body(f"<p>{long}</p>")
    assert len(teaser) <= 300
    assert teaser.endswith("Wort…")

    assert teaser_from_body("<p>Kiel (dpa) - Kurz.</p>", dateline="Kiel (dpa) - ") == "Kurz."


def test_schema_markers_only_count_when_they_name_ninjs():
    record = {"$schema": "http://json-schema.org/draft-07/schema#", **ninjs2()}
    assert detect_format(record) == Format.NINJS2
    record = {"$schema": "https://example.org/v2.1/ninjs-schema_3.0.json", **ninjs2()}
    assert detect_format(record) == Format.NINJS3
    record = {"standard": {"name": "TTNINJS", "version": "TTNINJS 2.0"}, "versionCreated": "x"}
    assert detect_format({**ninjs2(), **record}) == Format.NINJS2
