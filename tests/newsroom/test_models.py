import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from depesche.newsroom.models import READING_WORDS_PER_MINUTE, ArticlePage, LegalPage
from tests.factories import make_image, paragraphs, publish_article, save_draft_article, words


def test_reading_speed_is_german_adult_average():
    assert READING_WORDS_PER_MINUTE == 180


@pytest.mark.parametrize(
    ("word_count", "minutes"),
    [(1, 1), (180, 1), (181, 2), (360, 2), (361, 3), (900, 5)],
)
def test_reading_minutes_from_body_words(site_tree, word_count, minutes):
    article = publish_article(site_tree.sections["Politik"], body=paragraphs(words(word_count)))
    assert article.word_count == word_count
    assert article.reading_minutes == minutes


def test_reading_minutes_of_empty_body_is_one(site_tree):
    article = publish_article(
        site_tree.sections["Politik"],
        body=[("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")],
    )
    assert article.word_count == 0
    assert article.reading_minutes == 1


def test_reading_minutes_adds_words_across_paragraphs(site_tree):
    article = publish_article(
        site_tree.sections["Politik"], body=paragraphs(words(100), words(100), words(160))
    )
    assert article.word_count == 360
    assert article.reading_minutes == 2


def test_quote_and_subheading_words_count(site_tree):
    body = [
        *paragraphs(words(170)),
        ("subheading", "Fünf Wörter als Zwischenüberschrift hier"),
        ("quote", {"quote": "Drei Wörter Zitat", "attribution": "Nicht mitgezählt Person"}),
    ]
    article = publish_article(site_tree.sections["Politik"], body=body)
    assert article.word_count == 178
    assert article.reading_minutes == 1

    body.append(("quote", {"quote": "drei weitere Wörter", "attribution": ""}))
    article = publish_article(site_tree.sections["Politik"], body=body)
    assert article.word_count == 181
    assert article.reading_minutes == 2


def test_image_and_embed_blocks_do_not_count(site_tree):
    image = make_image()
    body = [
        *paragraphs(words(180)),
        ("image", {"image": image, "caption": words(50, "Bild"), "credit": "Agentur Foto"}),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ]
    article = publish_article(site_tree.sections["Politik"], body=body)
    assert article.word_count == 180
    assert article.reading_minutes == 1


def test_body_text_is_plain_text_one_block_per_line(site_tree):
    image = make_image()
    body = [
        ("paragraph", "<p>Erster <b>fetter</b> Absatz &amp; mehr.</p>"),
        ("subheading", "Zwischentitel"),
        ("image", {"image": image, "caption": "Bildtext", "credit": ""}),
        ("quote", {"quote": "Ein Zitat.", "attribution": "Jemand"}),
        ("paragraph", "<p>Zweiter</p><p>Absatz</p>"),
    ]
    article = publish_article(site_tree.sections["Politik"], body=body)
    assert article.body_text() == (
        "Erster fetter Absatz & mehr.\nZwischentitel\nEin Zitat.\nZweiter Absatz"
    )


def test_section_is_parent_section_on_creation(site_tree):
    politik = site_tree.sections["Politik"]
    article = publish_article(politik)
    assert article.section_id == politik.pk
    draft = save_draft_article(site_tree.sections["Wirtschaft"])
    assert draft.section_id == site_tree.sections["Wirtschaft"].pk
    assert ArticlePage.objects.get(pk=draft.pk).section_id == site_tree.sections["Wirtschaft"].pk


def test_section_follows_the_article_when_moved(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    wirtschaft = site_tree.sections["Wirtschaft"]
    article.move(wirtschaft, pos="last-child")
    assert ArticlePage.objects.get(pk=article.pk).section_id == wirtschaft.pk
    # Publishing again after the move keeps the new section.
    article = ArticlePage.objects.get(pk=article.pk)
    article.save_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).section_id == wirtschaft.pk


def test_headline_is_the_title(site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Bundestag beschließt Haushalt")
    assert article.headline == "Bundestag beschließt Haushalt"
    assert article.published_at == article.first_published_at


def test_copy_does_not_take_import_identity(site_tree):
    article = publish_article(site_tree.sections["Politik"], tags=["Haushalt"])
    ArticlePage.objects.filter(pk=article.pk).update(
        source_guid="urn:dpa:123", source_fingerprint="abc"
    )
    article.refresh_from_db()
    wirtschaft = site_tree.sections["Wirtschaft"]

    copy = article.copy(to=wirtschaft, update_attrs={"slug": "kopie"}).specific
    second = article.copy(to=wirtschaft, update_attrs={"slug": "kopie-2"}).specific

    copy.refresh_from_db()
    assert copy.pk != article.pk
    assert copy.source_guid is None
    assert copy.source_fingerprint == ""
    assert second.source_guid is None
    assert copy.section_id == wirtschaft.pk
    assert copy.title == article.title
    assert [tag.name for tag in copy.tags.all()] == ["Haushalt"]
    assert ArticlePage.objects.get(pk=article.pk).source_guid == "urn:dpa:123"


def test_source_guid_is_unique(site_tree):
    first = publish_article(site_tree.sections["Politik"])
    second = publish_article(site_tree.sections["Politik"])
    ArticlePage.objects.filter(pk=first.pk).update(source_guid="urn:dpa:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticlePage.objects.filter(pk=second.pk).update(source_guid="urn:dpa:1")


def test_legal_page_kind_is_unique(site_tree):
    duplicate = LegalPage(title="Noch ein Impressum", slug="impressum-2", kind="impressum")
    duplicate.body = "<p>Text</p>"
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "kind" in excinfo.value.message_dict

    with pytest.raises(ValidationError):
        site_tree.home.add_child(instance=duplicate)
    assert LegalPage.objects.filter(kind="impressum").count() == 1


def test_legal_page_kinds_are_the_three_german_texts():
    assert LegalPage.Kind.values == ["impressum", "datenschutz", "agb"]
    assert [str(label) for label in LegalPage.Kind.labels] == [
        "Impressum",
        "Datenschutzerklärung",
        "AGB",
    ]
