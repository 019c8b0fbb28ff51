"""Review in the Wagtail admin: list, edit topics inline, approve; frozen once approved."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from depesche.audio.errors import SynthesisError
from depesche.digest import audit, publishing, services
from depesche.digest.models import Digest
from depesche.digest.services import digest_build
from tests.support.digest_week import AFTER, WEEK

INDEX = "wagtailsnippets_digest_digest:list"
EDIT = "wagtailsnippets_digest_digest:edit"
APPROVE = "wagtailsnippets_digest_digest:approve"


@pytest.fixture
def digest(week_articles) -> Digest:
    return digest_build(week=WEEK, now=AFTER)


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("chefin", "chefin@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


def edit_data(digest: Digest, change: dict | None = None, drop: int | None = None) -> dict:
    """The edit form as the admin posts it, with the digest's topics (one changed or dropped)."""
    topics = []
    for order, topic in enumerate(digest.topics.order_by("sort_order")):
        row = {
            "id": topic.pk,
            "headline": topic.headline,
            "summary": topic.summary,
            "articles": [a.pk for a in topic.articles.all()],
            "ORDER": order,
        }
        if change and order == 0:
            row.update(change)
        if drop == order:
            row["DELETE"] = "on"
        topics.append(row)
    return nested_form_data({"topics": inline_formset(topics, initial=len(topics))})


def test_listing_shows_the_week_with_an_approve_button(admin, digest):
    response = admin.get(reverse(INDEX))
    html = response.content.decode()
    assert response.status_code == 200
    assert WEEK in html
    assert "Entwurf" in html
    assert reverse(APPROVE, args=[digest.pk]) in html
    assert reverse("wagtailsnippets_digest_digest:add") not in html


def test_nobody_adds_digests_by_hand(admin):
    response = admin.get(reverse("wagtailsnippets_digest_digest:add"))
    assert response.status_code == 302
    assert not Digest.objects.exists()


def test_edit_page_shows_topics_and_offers_only_the_weeks_articles(admin, digest, week_articles):
    response = admin.get(reverse(EDIT, args=[digest.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bahn und Gewerkschaft verhandeln wieder" in html
    assert reverse(APPROVE, args=[digest.pk]) in html
    assert "Streik der Vorwoche" not in html  # published before the period: not offered
    assert "Sammle die Artikel" in html  # the build log


def test_editors_edit_reorder_and_drop_topics_of_a_draft(admin, digest):
    data = edit_data(digest, change={"headline": "Streik beendet?", "ORDER": 9}, drop=3)
    response = admin.post(reverse(EDIT, args=[digest.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    headlines = [t.headline for t in Digest.objects.get(pk=digest.pk).topics.all()]
    assert headlines == [
        "Bahn und Gewerkschaft verhandeln wieder",
        "Was die Zinssenkung für Sparer bedeutet",
        "Streik beendet?",
    ]


def test_approve_through_the_admin(admin, digest, django_capture_on_commit_callbacks, monkeypatch):
    called = []
    monkeypatch.setattr(services, "digest_on_approved", called.append)
    url = reverse(APPROVE, args=[digest.pk])
    page = admin.get(url)
    assert page.status_code == 200
    assert "Jetzt freigeben" in page.content.decode()
    assert Digest.objects.get(pk=digest.pk).status == Digest.Status.DRAFT  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(EDIT, args=[digest.pk])
    stored = Digest.objects.get(pk=digest.pk)
    assert stored.status == Digest.Status.APPROVED
    assert stored.approved_by == admin.user
    assert [d.pk for d in called] == [digest.pk]
    # Approved: no button any more, a second POST changes nothing and says why.
    assert url not in admin.get(reverse(EDIT, args=[digest.pk])).content.decode()
    again = admin.post(url, follow=True)
    assert "bereits freigegeben" in again.content.decode()
    assert len(called) == 1


def test_approved_digest_cannot_be_edited(admin, digest):
    services.digest_approve(digest=digest, user=None)
    before = [(t.headline, t.sort_order) for t in digest.topics.all()]
    for data in (
        edit_data(digest, change={"headline": "Nachträglich"}),
        edit_data(digest, drop=0),
        edit_data(digest, change={"ORDER": 9}),
    ):
        response = admin.post(reverse(EDIT, args=[digest.pk]), data)
        assert response.status_code == 200
        assert "können nicht mehr geändert" in response.content.decode()
        assert [(t.headline, t.sort_order) for t in digest.topics.all()] == before


def test_approving_needs_the_permission(client, django_user_model, digest):
    editor = django_user_model.objects.create_user("redakteur", password="pw")
    group = Group.objects.create(name="Redaktion")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_digest"),
    )
    editor.groups.add(group)
    client.force_login(editor)
    url = reverse(APPROVE, args=[digest.pk])
    assert url not in client.get(reverse(EDIT, args=[digest.pk])).content.decode()
    response = client.post(url)
    assert response.status_code == 302  # Wagtail's answer to PermissionDenied: to the dashboard
    assert response["Location"] == reverse("wagtailadmin_home")
    assert Digest.objects.get(pk=digest.pk).status == Digest.Status.DRAFT
    group.permissions.add(Permission.objects.get(codename="approve_digest"))
    editor = django_user_model.objects.get(pk=editor.pk)  # fresh permission cache
    client.force_login(editor)
    assert client.post(url).status_code == 302
    assert Digest.objects.get(pk=digest.pk).status == Digest.Status.APPROVED


def test_approve_post_needs_the_csrf_token(django_user_model, digest):
    user = django_user_model.objects.create_superuser("chef", "chef@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse(APPROVE, args=[digest.pk])).status_code == 403
    assert Digest.objects.get(pk=digest.pk).status == Digest.Status.DRAFT


# --- Wagtail's audit log (Reports → Site history) -------------------------------------------

SITE_HISTORY = reverse("wagtailadmin_reports:site_history")


def test_an_approval_in_the_admin_is_in_the_audit_log(admin, digest, monkeypatch):
    monkeypatch.setattr(services, "digest_on_approved", lambda digest: None)
    assert admin.post(reverse(APPROVE, args=[digest.pk])).status_code == 302
    entry = ModelLogEntry.objects.get(action=audit.APPROVED)
    assert entry.user_id == admin.user.pk
    assert entry.object_id == str(digest.pk) and entry.content_type.model_class() is Digest
    assert entry.data == {"auto": False}
    assert entry.label == f"Wochenrückblick {WEEK}"


def test_a_refused_approval_leaves_no_audit_entry(admin, digest):
    services.digest_approve(digest=digest, user=None, auto=True)
    assert ModelLogEntry.objects.get(action=audit.APPROVED).user_id is None  # the automatic one
    admin.post(reverse(APPROVE, args=[digest.pk]))  # already approved: DigestLocked
    assert ModelLogEntry.objects.filter(action=audit.APPROVED).count() == 1


def test_the_publication_is_in_the_audit_log(digest, monkeypatch):
    monkeypatch.setattr(publishing, "synthesize", _no_synthesis)  # no audio needed here
    monkeypatch.setattr(services, "digest_on_approved", lambda digest: None)
    services.digest_approve(digest=digest, user=None)
    assert not ModelLogEntry.objects.filter(action=audit.PUBLISHED).exists()
    queued = publishing.digest_publish(digest_id=digest.pk, site_name="Depesche")
    entry = ModelLogEntry.objects.get(action=audit.PUBLISHED)
    assert entry.object_id == str(digest.pk) and entry.user_id is None
    assert entry.data == {"mails": queued, "podcast": False}


def test_site_history_lists_approval_and_publication(admin, digest, monkeypatch):
    monkeypatch.setattr(publishing, "synthesize", _no_synthesis)
    monkeypatch.setattr(services, "digest_on_approved", lambda digest: None)
    admin.post(reverse(APPROVE, args=[digest.pk]))
    publishing.digest_publish(digest_id=digest.pk, site_name="Depesche")
    response = admin.get(SITE_HISTORY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wochenrückblick freigegeben" in page and "Wochenrückblick veröffentlicht" in page
    assert f"Wochenrückblick {WEEK}" in page
    # the action filter offers both by their labels
    assert "Wochenrückblick freigeben" in page and "Wochenrückblick veröffentlichen" in page


def _no_synthesis(*args, **kwargs):
    raise SynthesisError("espeak-ng: not found")
