"""wire/formats: every agency example record detected and read (tests/fixtures/wire/)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from depesche.core.text import html_to_text
from depesche.wire.formats import (
    Category,
    CategoryKind,
    Format,
    PubStatus,
    RecordSkipped,
    Rendition,
    detect_format,
    read_record,
)
from tests.support.wire_records import wire_record, wire_record_names

DW = "digitalwires/"

FORMATS = {
    "digitalwires/dw-1.json": Format.DIGITALWIRES,
    "digitalwires/eil.json": Format.DIGITALWIRES,
    "digitalwires/embargoed.json": Format.DIGITALWIRES,
    "digitalwires/image.json": Format.DIGITALWIRES,
    "digitalwires/lesestuecke.json": Format.DIGITALWIRES,
    "digitalwires/no_content.json": Format.DIGITALWIRES,
    "digitalwires/tvo_pol.json": Format.DIGITALWIRES,
    "digitalwires/with_dateline.json": Format.DIGITALWIRES,
    "ninjs/1.4/ninjs-1-4-examples.json": Format.NINJS1,
    "ninjs/1.4/ninjsExMediumText1.json": Format.NINJS1,
    "ninjs/2.0/businesswire-newsml-20130731006140.json": Format.NINJS2,
    "ninjs/2.0/dpa_text.json": Format.NINJS2,
    "ninjs/2.0/ntb_text.json": Format.NINJS2,
    "ninjs/2.0/tt_text_image_2.json": Format.NINJS2,
    "ninjs/2.1/ntb_text.json": Format.NINJS2,
    "ninjs/3.0/dpa_text.json": Format.NINJS3,
    "ninjs/3.0/tt_text_image_2.json": Format.NINJS3,
    "ninjs/3.3/ap_image.json": Format.NINJS3,
    "ninjs/3.3/ninjsExSimpleText_3.json": Format.NINJS3,
    "ninjs/3.3/ntb_text.json": Format.NINJS3,
    "ninjs/3.3/simpleEvent.json": Format.NINJS3,
}

SKIPPED = {
    "digitalwires/image.json": "picture",
    "digitalwires/no_content.json": "picture",
    "ninjs/3.3/ap_image.json": "picture",
    "ninjs/3.3/simpleEvent.json": "event",
}

# name: (record_id, headline, version, urgency, has a body)
ARTICLES = {
    "digitalwires/dw-1.json": (
        "urn:newsml:dpa.com:20090101:240923-930-240378",
        "«Mythos Jungfernhäutchen» - Zwischen Aufklärung und Kommerz",
        2,
        3,
        True,
    ),
    "digitalwires/eil.json": (
        "urn:newsml:dpa.com:20090101:240925-930-242744",
        "Grünen-Spitze tritt nach Wahlniederlagen ab",
        1,
        2,
        True,
    ),
    "digitalwires/embargoed.json": (
        "urn:newsml:dpa.com:20090101:250123-930-353124",
        "Steinmeier: Russland zerstört kulturelles Erbe der Ukraine",
        1,
        4,
        True,
    ),
    "digitalwires/lesestuecke.json": (
        "urn:newsml:dpa.com:20090101:240925-930-242782",
        "Folgende Lesestücke des Ressorts Politik sind weiter aktuell",
        1,
        4,
        True,
    ),
    "digitalwires/tvo_pol.json": (
        "urn:newsml:dpa.com:20090101:99-240924-240924082808397",
        "dpa-Tagesvorschau Politik Deutschland für Dienstag, 24. September 2024",
        2,
        3,
        True,
    ),
    "digitalwires/with_dateline.json": (
        "urn:newsml:dpa.com:20090101:250128-930-357319",
        "DeepSeek-Schock aus China: Zeichen für KI-Zeitenwende?",
        2,
        3,
        True,
    ),
    "ninjs/1.4/ninjs-1-4-examples.json": (
        "http://ninjs.example.com/newsitems/ninjs1-4-tests",
        "Test of three new properties",
        None,
        None,
        False,
    ),
    "ninjs/1.4/ninjsExMediumText1.json": (
        "http://ninjs.example.com/newsitems/20130709med123",
        "Captain of wrecked cruise ship on trial in Italy",
        None,
        None,
        True,
    ),
    "ninjs/2.0/businesswire-newsml-20130731006140.json": (
        "http://www.businesswire.com/news/home/20130731006140/en",
        "Lunch Taking a Toll? Let Applebee’s® Industrial Strength Lunch Decoy Stand In",
        1,
        None,
        True,
    ),
    "ninjs/2.0/dpa_text.json": (
        "urn:newsml:dpa.com:20090101:190510-99-167362",
        "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?",
        2,
        4,
        True,
    ),
    "ninjs/2.0/ntb_text.json": (
        "8d19cf88-b3ab-4972-8fec-1207599f2872",
        "Google har kjøpt giganttomt i Skien",
        6,
        5,
        False,
    ),
    "ninjs/2.0/tt_text_image_2.json": (
        "http://tt.se/media/text/210526-militarovning-a0f2d045",
        "Militärövning i jätteformat hålls 2023",
        1,
        3,
        True,
    ),
    "ninjs/2.1/ntb_text.json": (
        "urn:8d19cf88-b3ab-4972-8fec-1207599f2872",
        "Google har kjøpt giganttomt i Skien",
        6,
        5,
        False,
    ),
    "ninjs/3.0/dpa_text.json": (
        "urn:newsml:dpa.com:20090101:190510-99-167362",
        "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?",
        2,
        4,
        True,
    ),
    "ninjs/3.0/tt_text_image_2.json": (
        "http://tt.se/media/text/210526-militarovning-a0f2d045",
        "Militärövning i jätteformat hålls 2023",
        1,
        3,
        True,
    ),
    "ninjs/3.3/ninjsExSimpleText_3.json": (
        "http://ninjs.example.com/newsitems/20130709simp123",
        "Captain of wrecked cruise ship on trial in Italy",
        None,
        None,
        True,
    ),
    "ninjs/3.3/ntb_text.json": (
        "urn:8d19cf88-b3ab-4972-8fec-1207599f2872",
        "Google har kjøpt giganttomt i Skien",
        6,
        5,
        False,
    ),
}


def test_every_fixture_is_covered():
    assert sorted(FORMATS) == wire_record_names()
    assert sorted(set(ARTICLES) | set(SKIPPED)) == wire_record_names()


@pytest.mark.parametrize(("name", "expected"), sorted(FORMATS.items()))
def test_detect_format(name, expected):
    assert detect_format(wire_record(name)) == expected


@pytest.mark.parametrize(("name", "what"), sorted(SKIPPED.items()))
def test_non_articles_are_skipped_naming_what_they_are(name, what):
    with pytest.raises(RecordSkipped, match=what):
        read_record(wire_record(name))


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_every_text_record_reads_as_an_article(name):
    record_id, headline, version, urgency, has_body = ARTICLES[name]
    article = read_record(wire_record(name))

    assert article.format == FORMATS[name]
    assert article.record_id == record_id
    assert article.headline == headline
    assert article.version == version
    assert article.urgency == urgency
    assert article.pubstatus == PubStatus.USABLE
    assert article.teaser
    assert len(article.teaser) <= 300 or name.startswith(DW)  # dpa's own teasers are kept whole
    assert bool(html_to_text(article.body_html)) == has_body
    assert article.body_html.startswith("<") or not has_body
    assert "<html" not in article.body_html and "<h1" not in article.body_html


def test_fingerprint_is_the_sha256_of_the_sorted_record():
    record = wire_record("ninjs/2.0/ntb_text.json")
    raw = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()

    assert read_record(record).fingerprint == hashlib.sha256(raw).hexdigest()


# dpa-digitalwires


def test_dw1_is_a_correction_of_version_2_with_kicker_byline_and_terms():
    article = read_record(wire_record("digitalwires/dw-1.json"))

    assert article.correction is True
    assert article.version == 2
    assert article.breaking is False
    assert article.version_time == datetime(2024, 9, 24, 10, 5, 52, tzinfo=UTC)
    assert article.kicker == "Frauenrechte"
    assert article.byline == "Von Marco Krefting und Sunrita Sen, dpa"
    assert article.creditline == "dpa"
    assert article.dateline == "Waghäusel (dpa) - "
    assert article.located == "Waghäusel"
    assert article.language == "de"
    assert article.usage_terms == (
        "Nutzung nur nach schriftlicher Vereinbarung mit dpa · "
        "Use only with the written agreement with dpa · "
        "Copyright 2024, dpa (www.dpa.de). Alle Rechte vorbehalten"
    )
    assert article.teaser.startswith("Ein Unternehmen aus Baden vertreibt Blutkapseln")
    assert html_to_text(article.body_html).startswith(
        "Waghäusel (dpa) - Die meisten Kundinnen bestellen nur einmal"
    )


def test_dw1_categories_and_tags():
    article = read_record(wire_record("digitalwires/dw-1.json"))

    assert Category(CategoryKind.DESK, "vm", "vm") in article.categories
    assert Category(CategoryKind.SUBJECT, "dpasubject:346", "Gesundheit") in article.categories
    assert Category(CategoryKind.MEDIATOPIC, "medtop:20000768", "Gesellschaft") in (
        article.categories
    )
    assert Category(CategoryKind.GENRE, "dpatextgenre:14", "KORR-Bericht") in article.categories
    assert Category(CategoryKind.GEO, "dpacountry:1", "Deutschland") in article.categories
    assert article.tags == [
        "Gesundheit",
        "Gesellschaft",
        "Frauen",
        "Baden-Württemberg",
        "Deutschland",
    ]


def test_desk_code_comes_from_the_qcode_when_the_name_is_spelled_out():
    record = wire_record("digitalwires/eil.json")
    for category in record["categories"]:
        if category["type"] == "dnltype:desk":
            category["name"] = "Politik"

    article = read_record(record)

    desks = [c for c in article.categories if c.kind == CategoryKind.DESK]
    assert desks == [Category(CategoryKind.DESK, "pl", "Politik")]


def test_desk_names_fill_in_when_categories_lack_them():
    record = wire_record("digitalwires/eil.json")
    record["categories"] = []

    article = read_record(record)

    assert Category(CategoryKind.DESK, "pl", "pl") in article.categories
    assert article.tags == ["Partei", "Grüne", "Deutschland"]


def test_eil_urgency_2_is_breaking_and_gets_a_teaser_from_the_body():
    article = read_record(wire_record("digitalwires/eil.json"))

    assert article.urgency == 2
    assert article.breaking is True
    assert article.correction is False
    # No teaser in the record: the body's sentences (here all three, 293 characters).
    assert article.teaser == (
        "Die Grünen-Spitze zieht nach den Misserfolgen der Partei bei mehreren Wahlen personelle "
        "Konsequenzen. Die Co-Vorsitzenden Ricarda Lang und Omid Nouripour gaben in Berlin den "
        "Rücktritt des gesamten Parteivorstandes im November bekannt. Zuvor hatte das "
        "Nachrichtenportal «Table Media» berichtet."
    )
    assert article.body_html.startswith("<p>Berlin (dpa) - Die Grünen-Spitze zieht")


def test_eilmeldung_genre_is_breaking_without_urgency():
    record = wire_record("digitalwires/embargoed.json")
    record["genre_names"] = ["Eilmeldung"]

    assert read_record(record).breaking is True
    assert read_record(wire_record("digitalwires/embargoed.json")).breaking is False
    record = wire_record("digitalwires/embargoed.json")
    record["signal"] = "sig:eil"
    assert read_record(record).breaking is True


def test_embargo_is_an_aware_utc_moment():
    article = read_record(wire_record("digitalwires/embargoed.json"))

    assert article.embargoed_until == datetime(2025, 1, 23, 18, 0, tzinfo=UTC)
    assert article.embargoed_until.utcoffset() is not None
    assert article.first_created == datetime(2025, 1, 23, 13, 10, 47, tzinfo=UTC)


def test_dateline_leads_the_first_paragraph_exactly_once():
    article = read_record(wire_record("digitalwires/with_dateline.json"))
    text = html_to_text(article.body_html)

    assert article.dateline == "New York (dpa) - "
    assert text.startswith("New York (dpa) - Ein Chatbot aus China schockt die Wall Street")
    assert text.count("(dpa) -") == 1
    assert article.kicker == "Künstliche Intelligenz"
    assert article.version == 2
    assert article.correction is False  # sig:update is not a correction


def test_dateline_is_added_where_the_body_lacks_it():
    for name in ("eil.json", "embargoed.json", "dw-1.json"):
        article = read_record(wire_record(DW + name))
        text = html_to_text(article.body_html)
        assert text.startswith(article.dateline.strip() + " "), name
        assert text.count(article.dateline.strip()) == 1, name


def test_dpa_image_associations_become_wire_images():
    record = wire_record("digitalwires/embargoed.json")
    record["associations"] = (
        wire_record("digitalwires/image.json")["associations"]
        + wire_record("digitalwires/no_content.json")["associations"]
    )

    images = read_record(record).images

    assert len(images) == 2
    kennedy, coins = images
    assert kennedy.record_id == "urn:newsml:dpa.com:20090101:250129-99-739668"
    assert kennedy.credit == "Steve Helber/AP/dpa"
    assert kennedy.caption.startswith("Caroline Kennedy, Tochter des ehemaligen US-Präsidenten")
    assert kennedy.renditions == [
        Rendition(
            href=record["associations"][0]["renditions"][0]["url"],
            width=2048,
            height=1365,
            mimetype="image/jpeg",
        )
    ]
    assert coins.credit == "Europa Press"
    assert coins.renditions[0].width is None


def test_dpa_image_rendition_without_http_url_is_dropped():
    record = wire_record("digitalwires/embargoed.json")
    association = wire_record("digitalwires/image.json")["associations"][0]
    association["renditions"][0]["url"] = "file:///etc/passwd"
    record["associations"] = [association]

    assert read_record(record).images == []


NON_PUBLIC = ("kontakt@example.org", "+49 30 0000000", "nicht zur Veröffentlichung")


@pytest.mark.parametrize("name", ["dw-1.json", "embargoed.json", "with_dateline.json"])
def test_non_public_notes_never_appear(name):
    record = wire_record(DW + name)
    raw = json.dumps(record, ensure_ascii=False)
    assert all(marker in raw for marker in NON_PUBLIC)  # the record does carry them

    shown = json.dumps(asdict(read_record(record)), ensure_ascii=False, default=str)

    for marker in NON_PUBLIC:
        assert marker not in shown


# ninjs


def test_tt_picture_association_becomes_a_wire_image():
    for name in ("ninjs/2.0/tt_text_image_2.json", "ninjs/3.0/tt_text_image_2.json"):
        (image,) = read_record(wire_record(name)).images
        assert image.record_id == "http://tt.se/media/image/sdlk2sirkPaauM"
        assert image.credit == "Karl Melander/TT"
        assert image.caption.startswith("En stor internationell försvarsövning planeras 2023")
        assert len(image.renditions) == 4
        assert image.renditions[0] == Rendition(
            href="https://beta.tt.se/media/text/210526-militarovning-a0f2d045/a001_NormalHires.jpg",
            width=4724,
            height=3149,
            mimetype="image/jpeg",
        )


def test_tt_html_body_drops_document_head_title_figure_and_vignette():
    article = read_record(wire_record("ninjs/2.0/tt_text_image_2.json"))

    assert article.body_html.startswith("<p>Pandemin satte stopp")
    assert "<blockquote>Aurora 2023 kommer att genomföras" in article.body_html
    assert "Karl Melander" not in article.body_html  # the figure's byline
    assert "Försvar" not in html_to_text(article.body_html)[:20]  # TT's vignette line
    assert article.body_html.count("Militärövning i jätteformat") == 0  # <title> and <h1>


def test_businesswire_composite_with_graphic_and_video_reads_with_no_images():
    article = read_record(wire_record("ninjs/2.0/businesswire-newsml-20130731006140.json"))

    assert article.images == []  # graphic and video associations are not pictures
    assert article.body_html.startswith("<p>With more Applebee’s<sup>®</sup>")
    # One sentence longer than 300 characters: cut at a word, with an ellipsis.
    assert len(article.teaser) <= 300
    assert article.teaser.endswith("…")
    assert html_to_text(article.body_html).startswith(article.teaser[:-1])
    assert "Other Consumer" in article.tags


def test_ninjs3_camel_case_fields():
    ntb = read_record(wire_record("ninjs/3.3/ntb_text.json"))
    assert ntb.first_created == datetime(2019, 8, 9, 9, 30, 4, tzinfo=UTC)
    assert ntb.version_time == datetime(2019, 8, 9, 9, 46, 53, tzinfo=UTC)
    assert ntb.version == 6
    assert ntb.byline == "NTB"
    assert ntb.language == "nb-NO"
    assert ntb.teaser.startswith("IT-giganten Google har kjøpt en tomt")
    assert ntb.body_html == ""
    assert ntb.tags == ["Innenriks", "Teknologi", "Industri", "Olje og energi", "Telemark"]
    assert Category(CategoryKind.PROFILE, "Standard", "Standard") in ntb.categories

    dpa = read_record(wire_record("ninjs/3.0/dpa_text.json"))
    assert dpa.usage_terms == "Copyright 2019, dpa (www.dpa.de). Alle Rechte vorbehalten"
    assert dpa.version_time == datetime(2019, 5, 10, 14, 2, 28, tzinfo=UTC)
    assert dpa.byline == "Von Christian Hollmann, dpa"

    tt = read_record(wire_record("ninjs/3.0/tt_text_image_2.json"))
    assert Category(CategoryKind.GENRE, "INR", "Inrikes") in tt.categories


def test_ninjs3_embargoed_until_and_pubstatus():
    record = wire_record("ninjs/3.3/ntb_text.json")
    record["embargoedUntil"] = "2025-01-23T19:00:00+01:00"
    record["pubStatus"] = "canceled"

    article = read_record(record)

    assert article.embargoed_until == datetime(2025, 1, 23, 18, 0, tzinfo=UTC)
    assert article.pubstatus == PubStatus.CANCELED


def test_ninjs2_and_ninjs1_read_embargoed_and_pubstatus():
    record = wire_record("ninjs/2.0/ntb_text.json")
    record.update(embargoed="2025-01-23T18:00:00Z", pubstatus="withheld")
    article = read_record(record)
    assert article.embargoed_until == datetime(2025, 1, 23, 18, 0, tzinfo=UTC)
    assert article.pubstatus == PubStatus.WITHHELD


def test_teaser_fallback_is_the_first_whole_sentences_within_300_characters():
    article = read_record(wire_record("ninjs/2.0/dpa_text.json"))

    assert article.teaser == (
        "Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren». Der Trainer von "
        "Borussia Dortmund regte sich nach dem 2:4 im Revierderby gegen den FC Schalke 04 "
        "mächtig über den Handelfmeter zum zwischenzeitlichen 1:1 für die Gäste auf."
    )
    assert len(article.teaser) <= 300


def test_ninjs14_extension_description_is_the_teaser():
    article = read_record(wire_record("ninjs/1.4/ninjs-1-4-examples.json"))

    assert article.teaser == "Extensible description test"
    assert article.body_html == ""


def test_ninjs1_medium_text():
    article = read_record(wire_record("ninjs/1.4/ninjsExMediumText1.json"))

    assert article.byline == "Paulo Santalucia and Frances d'Emilio"
    assert article.located == "Grossetto, Italy"
    assert article.usage_terms.startswith("Copyright 2013 The News Agency")
    assert article.version_time == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)
    # body_xhtml wins over body_text: four paragraphs.
    assert article.body_html.count("<p>") == 4
    assert article.tags == ["Grossetto", "Tuscany", "Italy"]
    assert Category(CategoryKind.PROFILE, "text-only", "text-only") in article.categories


def test_plain_text_body_becomes_escaped_paragraphs():
    record = wire_record("ninjs/3.3/ninjsExSimpleText_3.json")
    record["bodies"] = [
        {"role": "text", "contentType": "text/plain", "value": "Erster <Absatz> & mehr.\n\nZwei."}
    ]

    article = read_record(record)

    assert article.body_html == "<p>Erster &lt;Absatz&gt; &amp; mehr.</p><p>Zwei.</p>"
    assert article.teaser == "Erster <Absatz> & mehr. Zwei."


def test_html_body_is_preferred_over_xhtml_and_text():
    record = wire_record("ninjs/3.3/ninjsExSimpleText_3.json")
    record["bodies"] = [
        {"role": "text", "contentType": "text/plain", "value": "Text."},
        {"role": "x", "contentType": "application/xhtml+xml", "value": "<p>XHTML.</p>"},
        {"role": "y", "contentType": "text/html", "value": "<p>HTML.</p>"},
    ]
    assert read_record(record).body_html == "<p>HTML.</p>"
    record["bodies"].pop()
    assert read_record(record).body_html == "<p>XHTML.</p>"
