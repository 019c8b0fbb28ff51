"""wire/stories.py: versions, corrections, withdrawals, editors' edits, desk feeds, embargoes."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import PageLogEntry, PageViewRestriction

from depesche.newsroom.models import ArticlePage
from depesche.newsroom.selectors import article_is_public
from depesche.wire.formats.base import (
    Category,
    CategoryKind,
    Format,
    PubStatus,
    RecordError,
    WireArticle,
)
from depesche.wire.importing import record_import
from depesche.wire.models import Feed, SectionRule, WireStory
from depesche.wire.rules import rules_defaults_create
from depesche.wire.stories import WITHDRAW_ACTION, Outcome, story_import

T0 = datetime(2025, 1, 23, 8, 0, tzinfo=UTC)


def wire(version: int | None = 1, **fields: Any) -> WireArticle:
    """A read dpa-style record; `version` and keyword arguments replace fields."""
    base = WireArticle(
        format=Format.DIGITALWIRES,
        record_id="urn:newsml:dpa.com:20090101:250123-99-000001",
        headline="Bundestag beschließt Haushalt",
        teaser="Nach langer Debatte steht der Etat.",
        body_html="<p>Berlin (dpa) - Der Bundestag hat den Haushalt beschlossen.</p>",
        version=version,
        version_time=T0 + timedelta(hours=version or 0),
        first_created=T0,
        kicker="Haushalt",
        byline="Anna Schmidt",
        creditline="dpa",
        usage_terms="© dpa-infocom GmbH",
        categories=[Category(CategoryKind.DESK, "pl", "Politik")],
        tags=["Haushalt", "Bundestag"],
        fingerprint=f"fp-{version}",
    )
    return replace(base, **fields)


def page() -> ArticlePage:
    return ArticlePage.objects.get(source_guid=wire().record_id)


def story() -> WireStory:
    return WireStory.objects.get(record_id=wire().record_id)


@pytest.fixture
def politik(site_tree):
    return site_tree.sections["Politik"]


def test_a_new_record_is_published_with_every_field(politik):
    result = story_import(article=wire(), section=politik)

    assert result.outcome is Outcome.CREATED
    article = page()
    assert article.live and article_is_public(article_id=article.pk)
    assert (article.title, article.kicker, article.byline) == (
        "Bundestag beschließt Haushalt",
        "Haushalt",
        "Anna Schmidt",
    )
    assert (article.source_credit, article.usage_terms) == ("dpa", "© dpa-infocom GmbH")
    assert article.first_published_at == T0
    assert article.updated_at == T0 + timedelta(hours=1)
    assert story().status == WireStory.Status.PUBLISHED
    assert story().version == 1 and story().article_id == article.pk


def test_a_higher_version_updates_and_moves_aktualisiert(politik):
    story_import(article=wire(1), section=politik)

    result = story_import(article=wire(2, headline="Bundestag beschließt Haushalt 2026"))

    assert result.outcome is Outcome.UPDATED
    article = page()
    assert article.title == "Bundestag beschließt Haushalt 2026"
    assert article.updated_at == T0 + timedelta(hours=2)
    assert article.first_published_at == T0
    assert story().version == 2


@pytest.mark.parametrize("version, outcome", [(1, Outcome.UNCHANGED), (0, Outcome.SKIPPED)])
def test_an_equal_or_lower_version_changes_nothing(politik, version, outcome):
    story_import(article=wire(1), section=politik)
    revisions = page().revisions.count()

    result = story_import(article=wire(version, headline="Alte Fassung"))

    assert result.outcome is outcome
    assert page().title == "Bundestag beschließt Haushalt"
    assert page().revisions.count() == revisions


def test_without_versions_the_version_time_then_the_fingerprint_decide(politik):
    story_import(article=wire(None, version_time=T0), section=politik)

    older = story_import(article=wire(None, version_time=T0 - timedelta(1), fingerprint="x"))
    same_time_new_text = story_import(
        article=wire(None, version_time=T0, fingerprint="fp-neu", headline="Neu")
    )

    assert older.outcome is Outcome.SKIPPED
    assert same_time_new_text.outcome is Outcome.UPDATED
    assert page().title == "Neu"


def test_a_newer_version_never_publishes_over_an_editors_edit(politik, admin_user):
    story_import(article=wire(1), section=politik)
    edited = page()
    edited.title = "Von der Redaktion geschärft"
    edited.save_revision(user=admin_user).publish(user=admin_user)

    result = story_import(article=wire(2, headline="Agenturfassung 2"))

    assert result.outcome is Outcome.DRAFTED
    article = page()
    assert article.title == "Von der Redaktion geschärft"  # what readers see
    assert article.live and article.has_unpublished_changes
    assert article.get_latest_revision_as_object().title == "Agenturfassung 2"
    assert story().needs_review and story().version == 2


def test_a_withdrawal_unpublishes_at_once_keeps_the_article_and_logs(politik, client, caplog):
    story_import(article=wire(1), section=politik)
    url = page().url
    assert "Bundestag beschließt" in client.get("/api/articles/").content.decode()
    assert "Bundestag beschließt" in client.get("/suche/?q=Haushalt").content.decode()

    with caplog.at_level(logging.WARNING, logger="depesche.wire.stories"):
        result = story_import(article=wire(2, pubstatus=PubStatus.CANCELED))

    assert result.outcome is Outcome.WITHDRAWN
    article = page()
    assert not article.live and not article_is_public(article_id=article.pk)
    assert client.get(url).status_code == 404
    assert "Bundestag beschließt" not in client.get("/api/articles/").content.decode()
    assert "Bundestag beschließt" not in client.get("/suche/?q=Haushalt").content.decode()
    assert "Bundestag beschließt" not in client.get("/feeds/rss.xml").content.decode()
    assert PageLogEntry.objects.filter(page=article, action=WITHDRAW_ACTION).count() == 1
    assert story().status == WireStory.Status.WITHDRAWN
    assert "zurückgezogen" in caplog.text and wire().record_id in caplog.text


def test_a_later_usable_version_restores_what_the_importer_withdrew(politik, client):
    story_import(article=wire(1), section=politik)
    story_import(article=wire(2, pubstatus=PubStatus.WITHHELD))

    result = story_import(article=wire(3, headline="Korrigierte Fassung"))

    assert result.outcome is Outcome.UPDATED
    article = page()
    assert article.live and article.title == "Korrigierte Fassung"
    assert client.get(article.url).status_code == 200
    assert story().status == WireStory.Status.PUBLISHED


def test_a_later_version_never_undoes_an_editors_unpublish(politik, admin_client):
    story_import(article=wire(1), section=politik)
    response = admin_client.post(reverse("wagtailadmin_pages:unpublish", args=(page().pk,)))
    assert response.status_code == 302
    story_import(article=wire(2, pubstatus=PubStatus.CANCELED))

    result = story_import(article=wire(3, headline="Wieder da?"))

    assert result.outcome is Outcome.SKIPPED
    assert not page().live and page().title == "Bundestag beschließt Haushalt"


def test_a_withdrawal_of_an_unknown_record_is_kept_and_creates_nothing(politik):
    result = story_import(article=wire(1, pubstatus=PubStatus.CANCELED), section=politik)

    assert result.outcome is Outcome.WITHDRAWN and result.article_id is None
    assert not ArticlePage.objects.exists()
    assert story().status == WireStory.Status.WITHDRAWN


def test_an_embargoed_record_is_nowhere_before_its_time(politik, client):
    until = timezone.now() + timedelta(hours=2)

    result = story_import(article=wire(1, embargoed_until=until), section=politik)

    assert result.outcome is Outcome.CREATED
    article = page()
    assert not article.live and not article_is_public(article_id=article.pk)
    assert article.get_latest_revision().approved_go_live_at == until
    assert story().status == WireStory.Status.SCHEDULED
    assert client.get("/politik/").content.decode().count(article.title) == 0

    # The embargo ends: Wagtail's scheduled publishing (run by the worker) makes it live.
    with freeze_time(until + timedelta(minutes=1)):
        call_command("publish_scheduled", verbosity=0)
    assert page().live and article_is_public(article_id=article.pk)


def test_a_withdrawal_cancels_a_scheduled_go_live(politik):
    story_import(
        article=wire(1, embargoed_until=timezone.now() + timedelta(hours=1)), section=politik
    )

    story_import(article=wire(2, pubstatus=PubStatus.CANCELED))

    assert not page().revisions.filter(approved_go_live_at__isnull=False).exists()


def test_a_desk_feed_keeps_new_copy_as_drafts_and_flags_newer_versions(politik):
    desk = Feed.objects.create(name="dpa", slug="dpa", auto_publish=False, default_section=politik)

    created = story_import(article=wire(1), feed=desk, publish=False)
    newer = story_import(article=wire(2, headline="Zweite Fassung"), feed=desk, publish=False)

    assert created.outcome is Outcome.CREATED and newer.outcome is Outcome.DRAFTED
    article = page()
    assert not article.live
    assert article.get_latest_revision_as_object().title == "Zweite Fassung"
    assert story().status == WireStory.Status.DRAFT and story().needs_review


def test_an_update_keeps_an_editors_restriction(politik, client):
    story_import(article=wire(1), section=politik)
    PageViewRestriction.objects.create(page=page(), restriction_type=PageViewRestriction.LOGIN)

    result = story_import(article=wire(2, headline="Neue Fassung"))

    assert result.outcome is Outcome.UPDATED
    assert PageViewRestriction.objects.filter(page=page()).exists()
    assert not article_is_public(article_id=page().pk)
    assert client.get(page().url).status_code != 200


def test_rules_choose_the_section_feed_rules_first(site_tree):
    sections = site_tree.sections
    dpa = Feed.objects.create(name="dpa", slug="dpa", auto_publish=True)
    SectionRule.objects.create(kind=CategoryKind.DESK, value="PL", section=sections["Panorama"])
    SectionRule.objects.create(
        feed=dpa, kind=CategoryKind.DESK, value="pl", section=sections["Politik"], priority=200
    )
    SectionRule.objects.create(
        kind=CategoryKind.MEDIATOPIC, value="medtop:04000000", section=sections["Wirtschaft"]
    )
    economy = [Category(CategoryKind.MEDIATOPIC, "medtop:04000000", "Wirtschaft")]

    story_import(article=wire(1), feed=dpa)
    story_import(article=wire(1, record_id="urn:b"))
    story_import(article=wire(1, record_id="urn:c", categories=economy))

    assert page().get_parent().pk == sections["Politik"].pk
    assert ArticlePage.objects.get(source_guid="urn:b").get_parent().pk == sections["Panorama"].pk
    assert ArticlePage.objects.get(source_guid="urn:c").section_id == sections["Wirtschaft"].pk


def test_the_feeds_default_section_catches_the_rest_and_none_is_an_error(site_tree):
    feed = Feed.objects.create(
        name="NTB", slug="ntb", default_section=site_tree.sections["Panorama"]
    )
    story_import(article=wire(1, categories=[]), feed=feed)
    assert page().section_id == site_tree.sections["Panorama"].pk

    with pytest.raises(RecordError, match="no Ressort-Zuordnung matches .*desk pl"):
        story_import(article=wire(1, record_id="urn:x"))
    assert not ArticlePage.objects.filter(source_guid="urn:x").exists()


def test_tags_of_any_spelling_land_on_one_tag(politik):
    story_import(article=wire(1, tags=["Börse"]), section=politik)

    story_import(article=wire(1, record_id="urn:b", tags=["Boerse", "BÖRSE"]), section=politik)

    other = ArticlePage.objects.get(source_guid="urn:b")
    assert list(other.tags.names()) == ["Börse"]
    assert list(page().tags.names()) == ["Börse"]


def test_a_newer_version_moves_the_article_when_the_rules_say_so(site_tree):
    story_import(article=wire(1), section=site_tree.sections["Politik"])

    story_import(article=wire(2), section=site_tree.sections["Wirtschaft"])

    assert page().get_parent().pk == site_tree.sections["Wirtschaft"].pk


def test_default_rules_place_dpa_desks_and_are_added_once(site_tree):
    assert rules_defaults_create() > 0
    assert rules_defaults_create() == 0

    story_import(article=wire(1, categories=[Category(CategoryKind.DESK, "dpacat:wi", "wi")]))
    assert page().section_id == site_tree.sections["Wirtschaft"].pk


def test_wire_rules_command_adds_the_defaults_and_lists_them(site_tree):
    out = io.StringIO()

    call_command("wire", "rules", "--defaults", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"{SectionRule.objects.count()} default rules added"
    assert any("desk" in line and " wi " in line and "Wirtschaft" in line for line in lines)


def test_a_feed_set_to_one_format_refuses_the_other(site_tree):
    feed = Feed.objects.create(
        name="dpa", slug="dpa", format=Feed.FormatChoice.DIGITALWIRES, auto_publish=True
    )
    ninjs = {"guid": "urn:a", "headline": "Meldung", "body_html": "<p>Text.</p>"}

    result = record_import(raw=ninjs, feed=feed, section=site_tree.sections["Politik"])

    assert result.outcome is Outcome.FAILED
    assert result.message == "feed 'dpa' takes dpa-digitalwires, this record is ninjs1"
    assert not ArticlePage.objects.exists()
