"""Publication bookkeeping ("Aktualisiert"), drafts, scheduling and unpublishing, end to end."""

import re
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.test.utils.timestamps import submittable_timestamp

from depesche.newsroom.blocks import RICH_TEXT_FEATURES
from depesche.newsroom.models import ArticlePage, ArticlePageTag
from depesche.newsroom.services import article_fingerprint
from tests.factories import (
    LONG_AGO,
    backdate,
    paragraphs,
    publish_article,
    reload,
    save_draft_article,
)

# --- "Aktualisiert" ---------------------------------------------------------------------------


def test_first_publish_sets_published_and_updated_equal(site_tree):
    before = timezone.now()
    article = publish_article(site_tree.sections["Politik"])
    assert article.live
    assert article.first_published_at is not None
    assert before <= article.first_published_at <= timezone.now()
    assert article.updated_at == article.first_published_at == article.last_published_at
    assert article.content_fingerprint == article_fingerprint(article)


def test_fingerprint_ignores_editor_keys_but_not_text(site_tree):
    article = publish_article(site_tree.sections["Politik"], body=paragraphs("Satz."))
    fingerprint = article_fingerprint(article)
    article.body = StreamValue(
        ArticlePage.body.field.stream_block,
        [("paragraph", '<p data-block-key="a1b2c">Satz.</p>')],
    )
    assert article_fingerprint(article) == fingerprint
    article.body = StreamValue(ArticlePage.body.field.stream_block, [("paragraph", "<p>Satz!</p>")])
    assert article_fingerprint(article) != fingerprint


def test_republishing_unchanged_content_keeps_updated_at(site_tree):
    article = backdate(publish_article(site_tree.sections["Politik"], tags=["Energie"]))
    article.save_revision().publish()
    article = reload(article)
    assert article.revisions.count() == 2
    assert article.last_published_at > LONG_AGO  # it was published again …
    assert article.updated_at == LONG_AGO  # … but nothing readers see changed
    assert article.first_published_at == LONG_AGO


def test_republishing_the_live_revision_keeps_updated_at(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    ArticlePage.objects.filter(pk=article.pk).update(updated_at=LONG_AGO)
    reload(article).live_revision.publish()
    assert reload(article).updated_at == LONG_AGO


def test_republishing_with_new_block_ids_but_same_content_keeps_updated_at(site_tree):
    # A block deleted and added again (or duplicated and the original removed) gets a new id;
    # readers see the same text.
    article = backdate(publish_article(site_tree.sections["Politik"], body=paragraphs("Satz.")))
    old_ids = [block.id for block in article.body]
    article.body = StreamValue(ArticlePage.body.field.stream_block, paragraphs("Satz."))
    article.save_revision().publish()
    article = reload(article)
    assert [block.id for block in article.body] != old_ids
    assert article.updated_at == LONG_AGO


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda a: setattr(a, "title", "Neue Überschrift"), id="headline"),
        pytest.param(lambda a: setattr(a, "teaser", "Ein neuer Vorspann."), id="teaser"),
        pytest.param(
            lambda a: setattr(
                a,
                "body",
                StreamValue(ArticlePage.body.field.stream_block, paragraphs("Neuer Text.")),
            ),
            id="body",
        ),
        pytest.param(lambda a: a.tags.set(["Energie", "Klima"]), id="tags"),
        pytest.param(lambda a: setattr(a, "byline", "Andere Autorin"), id="byline"),
        pytest.param(lambda a: setattr(a, "source_credit", "AFP"), id="credit"),
    ],
)
def test_publishing_changed_content_moves_updated_at(site_tree, change):
    article = backdate(publish_article(site_tree.sections["Politik"], tags=["Energie"]))
    change(article)
    article.save_revision().publish()
    article = reload(article)
    assert article.updated_at > LONG_AGO
    assert article.updated_at == article.last_published_at
    assert article.first_published_at == LONG_AGO
    assert article.content_fingerprint == article_fingerprint(article)


def test_first_published_at_never_changes_on_republish(site_tree):
    article = backdate(publish_article(site_tree.sections["Politik"]))
    for teaser in ["Erste Änderung.", "Zweite Änderung.", "Zweite Änderung."]:
        article.teaser = teaser
        article.save_revision().publish()
        article = reload(article)
        assert article.first_published_at == LONG_AGO
    assert article.revisions.count() == 4


def test_unchanged_republish_after_unpublish_keeps_dates(site_tree):
    article = backdate(publish_article(site_tree.sections["Politik"]))
    article.unpublish()
    reload(article).save_revision().publish()
    article = reload(article)
    assert article.live
    assert article.first_published_at == LONG_AGO
    assert article.updated_at == LONG_AGO


# --- Drafts -----------------------------------------------------------------------------------


def test_saved_draft_is_not_shown_on_public_page(client, site_tree):
    section = site_tree.sections["Politik"]
    article = publish_article(section, title="Alte Überschrift", teaser="Alter Vorspann.")
    article.title = "Entwurfsüberschrift"
    article.teaser = "Entwurfsvorspann."
    article.save_revision()

    article = reload(article)
    assert article.live
    assert article.has_unpublished_changes
    for url in (article.url, section.url, site_tree.home.url):
        html = client.get(url).content.decode()
        assert "Alter Vorspann." in html
        assert "Entwurfsvorspann." not in html
        assert "Entwurfsüberschrift" not in html


def test_never_published_article_is_404_and_unlisted(client, site_tree):
    section = site_tree.sections["Politik"]
    draft = save_draft_article(section, title="Geheimer Entwurf", tags=["Energie"])
    assert not draft.live
    assert draft.first_published_at is None
    assert draft.updated_at is None
    assert client.get(draft.url).status_code == 404
    for url in (section.url, site_tree.home.url):
        response = client.get(url)
        assert response.status_code == 200
        assert "Geheimer Entwurf" not in response.content.decode()
    # A tag only a draft uses answers as an unknown one: an embargoed story's tag is not probed.
    assert client.get("/thema/energie/").status_code == 404


# --- Scheduling -------------------------------------------------------------------------------


def schedule(article: ArticlePage, go_live_at: datetime) -> Revision:
    article.go_live_at = go_live_at
    revision = article.save_revision()
    revision.publish()
    return revision


def make_due(article: ArticlePage, revision: Revision) -> None:
    """Move a scheduled publication into the past, as if its time had come."""
    past = timezone.now() - timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=past)


def assert_not_public(client, article: ArticlePage, section) -> None:
    assert client.get(article.url).status_code == 404
    assert article.title not in client.get(section.url).content.decode()
    assert article.title not in client.get("/").content.decode()


def test_scheduled_article_is_not_live_before_its_time(client, site_tree):
    section = site_tree.sections["Wirtschaft"]
    article = save_draft_article(section, title="Geplanter Artikel")
    go_live_at = timezone.now() + timedelta(hours=2)
    revision = schedule(article, go_live_at)

    article = reload(article)
    assert not article.live
    assert article.go_live_at == go_live_at
    assert article.first_published_at is None
    assert article.updated_at is None
    revision.refresh_from_db()
    assert revision.approved_go_live_at == go_live_at
    assert_not_public(client, article, section)

    call_command("publish_scheduled", verbosity=0)  # not due yet
    assert not reload(article).live
    assert_not_public(client, article, section)


def test_scheduled_article_goes_live_with_publish_scheduled(client, site_tree):
    check_scheduled_article_goes_live(
        client, site_tree, lambda: call_command("publish_scheduled", verbosity=0)
    )


# The worker's task loop takes SQLite's write lock with its own BEGIN, as in production, so it
# cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scheduled_article_goes_live_with_worker_batch(client, site_tree, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    check_scheduled_article_goes_live(client, site_tree, lambda: call_command("worker", batch=True))


def check_scheduled_article_goes_live(client, site_tree, run) -> None:
    section = site_tree.sections["Wirtschaft"]
    article = save_draft_article(section, title="Geplanter Artikel", tags=["Zinsen"])
    revision = schedule(article, timezone.now() + timedelta(hours=2))
    make_due(article, revision)

    before = timezone.now()
    run()

    article = reload(article)
    assert article.live
    assert article.live_revision_id == revision.pk
    assert before <= article.first_published_at <= timezone.now()
    assert article.updated_at == article.first_published_at
    assert Revision.objects.filter(approved_go_live_at__isnull=False).count() == 0

    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Geplanter Artikel" in html
    assert "Aktualisiert" in html
    assert "Geplanter Artikel" in client.get(section.url).content.decode()
    assert "Geplanter Artikel" in client.get("/thema/zinsen/").content.decode()


def test_scheduled_change_to_live_article_waits_for_its_time(client, site_tree):
    section = site_tree.sections["Wirtschaft"]
    article = backdate(publish_article(section, teaser="Heute gültig."))
    article.teaser = "Morgen gültig."
    revision = schedule(article, timezone.now() + timedelta(hours=2))

    assert "Heute gültig." in client.get(article.url).content.decode()
    assert reload(article).updated_at == LONG_AGO

    make_due(article, revision)
    call_command("publish_scheduled", verbosity=0)
    article = reload(article)
    assert "Morgen gültig." in client.get(article.url).content.decode()
    assert article.first_published_at == LONG_AGO
    assert article.updated_at > LONG_AGO
    assert article.updated_at == article.last_published_at


# --- Unpublishing -----------------------------------------------------------------------------


def test_unpublished_article_disappears_everywhere(client, site_tree):
    section = site_tree.sections["Panorama"]
    article = publish_article(section, title="Bald zurückgezogen", tags=["Wetter"])
    urls = [site_tree.home.url, section.url, "/thema/wetter/"]
    for url in urls:
        assert "Bald zurückgezogen" in client.get(url).content.decode()

    article.unpublish()

    assert not reload(article).live
    assert client.get(article.url).status_code == 404
    for url in urls[:2]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Bald zurückgezogen" not in response.content.decode()
    # Its tag has no public article left: it answers as an unknown tag.
    assert client.get("/thema/wetter/").status_code == 404


# --- Wagtail admin ----------------------------------------------------------------------------


def article_form(**overrides: object) -> dict[str, object]:
    data = {
        "title": "Aus dem Admin",
        "slug": "aus-dem-admin",
        "teaser": "Vorspann aus dem Admin.",
        "body": streamfield(
            [
                (
                    "paragraph",
                    rich_text("<p>Erster Absatz aus dem Admin.</p>", features=RICH_TEXT_FEATURES),
                ),
                ("subheading", "Zwischentitel"),
            ]
        ),
        "tags": "Energie, Klima",
        "byline": "Redaktion",
        "source_credit": "dpa",
        "located": "Berlin",
        "comments": inline_formset([]),
        "article_authors": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def edit_form(article: ArticlePage, **overrides: object) -> dict[str, object]:
    """The edit form as the admin posts it: existing blocks keep their ids."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "teaser": article.teaser,
        "tags": ", ".join(tag.name for tag in article.tags.all()),
        "byline": article.byline,
        "source_credit": article.source_credit,
        "located": article.located,
        "comments": inline_formset([]),
        "article_authors": inline_formset([]),
    }
    data.update(overrides)
    form = nested_form_data(data)
    if "body" not in overrides:
        blocks = {"count": str(len(article.body))}
        for i, block in enumerate(article.body):
            value = block.value
            if block.block_type == "paragraph":
                value = rich_text(value.source, features=RICH_TEXT_FEATURES)
            blocks[str(i)] = {
                "type": block.block_type,
                "value": value,
                "id": block.id,
                "deleted": "",
                "order": str(i),
            }
        form.update(nested_form_data({"body": blocks}))
    return form


def add_url(section) -> str:
    return reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", section.pk))


def test_admin_add_form_renders(admin_client, site_tree):
    response = admin_client.get(add_url(site_tree.sections["Politik"]))
    assert response.status_code == 200
    assert 'name="teaser"' in response.content.decode()


def test_admin_creates_draft(admin_client, client, site_tree):
    section = site_tree.sections["Politik"]
    response = admin_client.post(add_url(section), article_form())
    assert response.status_code == 302

    article = ArticlePage.objects.get(slug="aus-dem-admin")
    assert not article.live
    assert article.revisions.count() == 1
    assert article.first_published_at is None
    assert article.updated_at is None
    assert article.section_id == section.pk
    assert client.get(article.url).status_code == 404
    latest = article.get_latest_revision_as_object()
    assert latest.teaser == "Vorspann aus dem Admin."
    assert sorted(tag.name for tag in latest.tags.all()) == ["Energie", "Klima"]


def test_admin_publishes_article(admin_client, client, site_tree):
    section = site_tree.sections["Politik"]
    response = admin_client.post(add_url(section), {**article_form(), "action-publish": "publish"})
    assert response.status_code == 302

    article = ArticlePage.objects.get(slug="aus-dem-admin")
    assert article.live
    assert article.revisions.count() == 1
    assert article.go_live_at is None
    assert article.section_id == section.pk
    assert article.updated_at == article.first_published_at
    assert sorted(tag.name for tag in article.tags.all()) == ["Energie", "Klima"]
    assert [block.block_type for block in article.body] == ["paragraph", "subheading"]
    assert article.reading_minutes == 1

    html = client.get(article.url).content.decode()
    assert "Erster Absatz aus dem Admin." in html
    assert "Zwischentitel" in html
    assert 'href="/thema/klima/"' in html


def test_admin_schedules_article(admin_client, client, site_tree):
    section = site_tree.sections["Politik"]
    go_live_at = timezone.now() + timedelta(days=1)
    response = admin_client.post(
        add_url(section),
        {
            **article_form(),
            "go_live_at": submittable_timestamp(go_live_at),
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302

    article = ArticlePage.objects.get(slug="aus-dem-admin")
    assert not article.live
    assert article.go_live_at is not None
    assert abs(article.go_live_at - go_live_at) < timedelta(minutes=1)
    assert article.has_unpublished_changes
    revision = article.revisions.get()
    assert revision.approved_go_live_at == article.go_live_at
    assert client.get(article.url).status_code == 404


def test_admin_edit_form_renders(admin_client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Zum Bearbeiten")
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    assert response.status_code == 200
    assert "Zum Bearbeiten" in response.content.decode()


def test_admin_republish_without_changes_keeps_updated_at(admin_client, site_tree):
    article = backdate(publish_article(site_tree.sections["Politik"], tags=["Energie"]))
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=(article.pk,)),
        {**edit_form(article), "action-publish": "publish"},
    )
    assert response.status_code == 302
    article = reload(article)
    assert article.revisions.count() == 2
    assert article.last_published_at > LONG_AGO
    assert article.updated_at == LONG_AGO
    assert article.first_published_at == LONG_AGO


def test_admin_republish_with_new_teaser_moves_updated_at(admin_client, client, site_tree):
    article = backdate(publish_article(site_tree.sections["Politik"], tags=["Energie"]))
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=(article.pk,)),
        {**edit_form(article, teaser="Korrigierter Vorspann."), "action-publish": "publish"},
    )
    assert response.status_code == 302
    article = reload(article)
    assert article.teaser == "Korrigierter Vorspann."
    assert article.updated_at == article.last_published_at > LONG_AGO
    assert article.first_published_at == LONG_AGO
    html = client.get(article.url).content.decode()
    assert "Korrigierter Vorspann." in html
    assert "02.05.2024 09:15" in html  # first publication, Berlin time


def test_admin_save_draft_of_live_article_keeps_public_version(admin_client, client, site_tree):
    article = publish_article(site_tree.sections["Politik"], teaser="Öffentlicher Vorspann.")
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=(article.pk,)),
        edit_form(article, teaser="Unfertiger Vorspann."),
    )
    assert response.status_code == 302
    article = reload(article)
    assert article.live
    assert article.has_unpublished_changes
    assert article.revisions.count() == 2
    html = client.get(article.url).content.decode()
    assert "Öffentlicher Vorspann." in html
    assert "Unfertiger Vorspann." not in html


def test_admin_preview_renders_unsaved_changes(admin_client, client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Vor der Vorschau")
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    response = admin_client.post(
        preview_url,
        edit_form(article, title="In der Vorschau", tags="Energie, Ganz Neues Thema"),
    )
    assert response.status_code == 200
    assert response.json() == {"is_valid": True, "is_available": True}

    response = admin_client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "In der Vorschau" in html
    assert "Lesezeit: 1 min" in html
    assert 'href="/thema/ganz-neues-thema/"' in html

    # Previewing saves nothing.
    article = reload(article)
    assert article.title == "Vor der Vorschau"
    assert article.revisions.count() == 1
    assert "In der Vorschau" not in client.get(article.url).content.decode()


def test_admin_unpublishes_article(admin_client, client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Wird zurückgezogen")
    url = reverse("wagtailadmin_pages:unpublish", args=(article.pk,))
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)
    assert response.status_code == 302
    article = reload(article)
    assert not article.live
    assert client.get(article.url).status_code == 404
    section_html = client.get(site_tree.sections["Politik"].url).content.decode()
    assert "Wird zurückgezogen" not in section_html


def test_anonymous_user_cannot_use_admin(client, site_tree):
    response = client.get(add_url(site_tree.sections["Politik"]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Tag pages' sort key (ArticlePageTag.published_at) ---------------------------------------


def tag_dates(article: ArticlePage) -> dict[str, datetime | None]:
    rows = ArticlePageTag.objects.filter(content_object_id=article.pk)
    return dict(rows.values_list("tag__name", "published_at"))


def test_taggings_carry_the_publication_date_only_while_live(site_tree):
    section = site_tree.sections["Politik"]
    draft = save_draft_article(section, tags=["Wahl"])
    assert tag_dates(draft) == {"Wahl": None}

    draft.get_latest_revision().publish()
    article = reload(draft)
    published = article.first_published_at
    assert tag_dates(article) == {"Wahl": published}

    article.tags.add("Umfrage")  # a tag added in a later revision gets the date on publish
    article.save_revision().publish()
    assert tag_dates(article) == {"Wahl": published, "Umfrage": published}

    reload(article).unpublish()
    assert tag_dates(article) == {"Wahl": None, "Umfrage": None}

    reload(article).get_latest_revision().publish()
    published = reload(article).first_published_at  # kept, at the revision's precision
    assert published.replace(microsecond=0) == article.first_published_at.replace(microsecond=0)
    assert tag_dates(article) == {"Wahl": published, "Umfrage": published}


def test_expiry_takes_an_article_off_its_tag_pages(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Läuft ab", tags=["Wahl"])
    ArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("publish_scheduled", verbosity=0)
    assert tag_dates(article) == {"Wahl": None}
    assert "Läuft ab" not in client.get("/thema/wahl/").content.decode()


def test_a_copy_of_a_live_article_is_not_on_its_tag_pages(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Original", tags=["Wahl"])
    copy = article.copy(update_attrs={"slug": "kopie", "title": "Kopie"}, keep_live=False)
    assert tag_dates(copy) == {"Wahl": None}
    assert "Kopie" not in client.get("/thema/wahl/").content.decode()


def test_a_live_copy_is_on_its_tag_pages_with_its_own_date(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], title="Original", tags=["Wahl"])
    copy = article.copy(update_attrs={"slug": "kopie", "title": "Kopie"}, keep_live=True)
    copy = reload(copy)
    assert copy.live
    assert tag_dates(copy) == {"Wahl": copy.first_published_at}
    assert "Kopie" in client.get("/thema/wahl/").content.decode()


def test_migration_gives_existing_taggings_their_dates(site_tree):
    import importlib

    from django.apps import apps

    live = publish_article(site_tree.sections["Politik"], tags=["Wahl", "Umfrage"])
    gone = publish_article(site_tree.sections["Politik"], tags=["Wahl"])
    gone.unpublish()
    ArticlePageTag.objects.update(published_at=LONG_AGO)  # as if the column held nonsense

    migration = importlib.import_module("depesche.newsroom.migrations.0004_tagging_published_at")
    migration.fill_dates(apps, None)

    published = reload(live).first_published_at
    assert tag_dates(live) == {"Wahl": published, "Umfrage": published}
    assert tag_dates(gone) == {"Wahl": None}


def test_admin_picks_authors_in_order_and_preview_shows_unsaved_ones(
    admin_client, client, site_tree
):
    from depesche.newsroom.models import Author

    anna = Author.objects.create(name="Anna Berger", slug="anna-berger")
    ben = Author.objects.create(name="Ben Muster", slug="ben-muster")
    section = site_tree.sections["Politik"]
    picked = inline_formset([{"author": str(ben.pk)}, {"author": str(anna.pk)}])
    form = {**article_form(article_authors=picked), "action-publish": "publish"}
    assert admin_client.post(add_url(section), form).status_code == 302
    article = ArticlePage.objects.get(slug="aus-dem-admin")
    html = client.get(article.url).content.decode()
    assert re.search(r"Von <a [^>]*>Ben Muster</a> und <a [^>]*>Anna Berger</a>", html)

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    # As the admin posts it: the existing rows with their ids, Ben's marked for deletion.
    links = {link.author_id: link.pk for link in article.article_authors.all()}
    only_anna = inline_formset(
        [
            {"id": str(links[ben.pk]), "author": str(ben.pk), "DELETE": "1", "ORDER": "0"},
            {"id": str(links[anna.pk]), "author": str(anna.pk), "ORDER": "1"},
        ],
        initial=2,
    )
    response = admin_client.post(preview_url, edit_form(article, article_authors=only_anna))
    assert response.json() == {"is_valid": True, "is_available": True}
    preview = admin_client.get(preview_url).content.decode()
    assert re.search(
        r'Von <a [^>]*href="/autoren/anna-berger/"[^>]*>Anna Berger</a>, Berlin', preview
    )
    assert "Ben Muster" in client.get(article.url).content.decode()  # nothing saved


@pytest.fixture
def group_member(django_user_model):
    """A user of one of Wagtail's default groups (as the migrations set them up)."""
    from django.contrib.auth.models import Group

    def make(group: str):
        user = django_user_model.objects.create_user(group.lower(), password="pw")
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def test_only_who_may_send_eilmeldungen_sees_and_sets_the_box(client, site_tree, group_member):
    section = site_tree.sections["Politik"]
    client.force_login(group_member("Editors"))
    assert 'name="breaking"' not in client.get(add_url(section)).content.decode()
    # A forged field changes nothing: the form has no such field for this user.
    response = client.post(add_url(section), article_form(breaking="on"))
    assert response.status_code == 302
    assert (
        not ArticlePage.objects.get(slug="aus-dem-admin").get_latest_revision_as_object().breaking
    )

    client.force_login(group_member("Moderators"))
    assert 'name="breaking"' in client.get(add_url(section)).content.decode()
    response = client.post(add_url(section), article_form(slug="eilmeldung", breaking="on"))
    assert response.status_code == 302
    assert ArticlePage.objects.get(slug="eilmeldung").get_latest_revision_as_object().breaking
