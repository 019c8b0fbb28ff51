"""The outbox: filled once, set-based, when an article first goes live; cancelled on unpublish."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from depesche.alerts.models import ArticleAlert, Delivery
from depesche.alerts.services import (
    deliveries_enqueue_for_article,
    deliveries_retry_failed,
)
from depesche.audience.models import TagFollow
from tests.factories import follower, publish_article, save_draft_article


def rows() -> dict[str, tuple[str, str, str]]:
    return {
        d.subscriber.email: (d.kind, d.matched_tags, d.status)
        for d in Delivery.objects.select_related("subscriber")
    }


def test_first_publication_fills_the_outbox_after_commit(
    site_tree, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    assert Delivery.objects.count() == 0  # nothing before the publishing transaction commits
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert rows() == {"a@example.org": ("sofort", "Energie", "pending")}
    assert ArticleAlert.objects.get(article=article).recipients == 1


def test_one_row_per_reader_naming_every_matching_tag(
    site_tree, django_capture_on_commit_callbacks
):
    follower("drei@example.org", "Energie", "Klima", "Haushalt")
    follower("einer@example.org", "Klima")
    follower("fremd@example.org", "Sport")
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(site_tree.sections["Politik"], tags=["Energie", "Klima", "Haushalt"])
    found = rows()
    assert set(found) == {"drei@example.org", "einer@example.org"}
    assert sorted(found["drei@example.org"][1].split(", ")) == ["Energie", "Haushalt", "Klima"]
    assert found["einer@example.org"][1] == "Klima"


def test_only_active_readers_with_active_follows(site_tree, django_capture_on_commit_callbacks):
    follower("aktiv@example.org", "Energie")
    follower("offen@example.org", "Energie", status="pending")
    follower("weg@example.org", "Energie", status="unsubscribed")
    follower("bounce@example.org", "Energie", status="bounced")
    follower("beschwerde@example.org", "Energie", status="complained")
    follower("pausiert@example.org", "Energie", active=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(site_tree.sections["Politik"], tags=["Energie"])
    assert set(rows()) == {"aktiv@example.org"}


def test_the_most_frequent_matching_follow_decides_the_kind(
    site_tree, django_capture_on_commit_callbacks
):
    mixed = follower("mix@example.org", "Energie", frequency="woechentlich")
    TagFollow.objects.create(
        subscriber=mixed,
        tag=Tag.objects.create(name="Klima", slug="klima"),
        frequency="taeglich",
        active=True,
    )
    follower("woche@example.org", "Energie", frequency="woechentlich")
    follower("sofort@example.org", "Klima", "Energie")
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(site_tree.sections["Politik"], tags=["Energie", "Klima"])
    kinds = {email: kind for email, (kind, _, _) in rows().items()}
    assert kinds == {
        "mix@example.org": "taeglich",
        "woche@example.org": "woechentlich",
        "sofort@example.org": "sofort",
    }


def test_republishing_never_alerts_again(site_tree, django_capture_on_commit_callbacks):
    follower("a@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    follower("spaeter@example.org", "Energie")
    article.teaser = "Neu gefasst."
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert set(rows()) == {"a@example.org"}


def test_unpublishing_cancels_what_has_not_gone_out(site_tree, django_capture_on_commit_callbacks):
    follower("a@example.org", "Energie")
    follower("b@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    Delivery.objects.filter(subscriber__email="b@example.org").update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    article.unpublish()
    assert {email: status for email, (_, _, status) in rows().items()} == {
        "a@example.org": "cancelled",
        "b@example.org": "sent",
    }


def test_an_article_unpublished_before_the_fanout_runs_alerts_nobody(
    site_tree, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    article.unpublish()
    for callback in callbacks:
        callback()
    assert Delivery.objects.count() == 0


def test_a_scheduled_article_alerts_at_go_live_not_before(
    site_tree, django_capture_on_commit_callbacks
):
    from depesche.newsroom.models import ArticlePage

    follower("a@example.org", "Energie")
    draft = save_draft_article(site_tree.sections["Politik"], tags=["Energie"])
    draft.go_live_at = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        revision = draft.save_revision()
        revision.publish()
    assert Delivery.objects.count() == 0
    past = timezone.now() - timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    ArticlePage.objects.filter(pk=draft.pk).update(go_live_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    assert set(rows()) == {"a@example.org"}


def test_imported_articles_alert_like_admin_ones(
    site_tree, tmp_path, django_capture_on_commit_callbacks
):
    from depesche.wire.importing import import_files

    follower("a@example.org", "Energie")
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            {
                "guid": "urn:test:1",
                "headline": "Strompreise sinken",
                "description_text": "Kurz.",
                "section": "Wirtschaft",
                "subject": [{"name": "Energie"}],
            }
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_files([path])
    assert set(rows()) == {"a@example.org"}
    # Importing the same record again, even changed, is no first publication.
    path.write_text(
        json.dumps(
            {
                "guid": "urn:test:1",
                "headline": "Strompreise sinken weiter",
                "description_text": "Kurz.",
                "section": "Wirtschaft",
                "subject": [{"name": "Energie"}],
            }
        )
    )
    follower("b@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=True):
        import_files([path])
    assert set(rows()) == {"a@example.org"}


@pytest.mark.parametrize("followers", [3, 40])
def test_fanout_is_one_statement_whatever_the_number_of_followers(
    site_tree, django_capture_on_commit_callbacks, followers
):
    for i in range(followers):
        follower(f"leser{i}@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    with CaptureQueriesContext(connection) as queries:
        written = deliveries_enqueue_for_article(article_id=article.pk)
    assert written == followers == Delivery.objects.count()
    inserts = [q["sql"] for q in queries if q["sql"].startswith("\n        INSERT INTO")]
    assert len(inserts) == 1, "one INSERT … SELECT, not one per follower"
    # The same for 3 and 40 followers: no per-follower query (one gate check per slice).
    assert len(queries) <= 17
    assert deliveries_enqueue_for_article(article_id=article.pk) == 0  # idempotent
    assert callbacks  # the publish did schedule the task


def test_deliveries_command_status_and_retry(site_tree, django_capture_on_commit_callbacks):
    follower("a@example.org", "Energie")
    follower("b@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    Delivery.objects.filter(subscriber__email="a@example.org").update(
        status=Delivery.Status.FAILED, attempts=5, last_error="451 try later"
    )
    out = io.StringIO()
    call_command("deliveries", "status", "--json", stdout=out)
    status = json.loads(out.getvalue())
    assert status["counts"]["failed"] == 1 and status["counts"]["pending"] == 1
    assert status["articles"][0]["recipients"] == 2
    out = io.StringIO()
    call_command("deliveries", "retry", "--article", str(article.pk), stdout=out)
    assert "1 failed deliveries queued again" in out.getvalue()
    retried = Delivery.objects.get(subscriber__email="a@example.org")
    assert (retried.status, retried.attempts, retried.last_error) == ("pending", 0, "")
    assert deliveries_retry_failed() == 0


def test_erasure_removes_the_readers_deliveries_and_export_lists_them(
    site_tree, django_capture_on_commit_callbacks
):
    from depesche.audience.services import subscriber_erase, subscriber_export

    reader = follower("a@example.org", "Energie")
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(
            site_tree.sections["Politik"], tags=["Energie"], title="Strom wird billiger"
        )
    exported = subscriber_export(subscriber=reader)["deliveries"]
    assert [(d["article"], d["status"], d["matched_tags"]) for d in exported] == [
        ("Strom wird billiger", "pending", "Energie")
    ]
    subscriber_erase(subscriber=reader)
    assert Delivery.objects.count() == 0


def test_an_imported_archive_article_alerts_nobody(
    site_tree, tmp_path, django_capture_on_commit_callbacks
):
    from depesche.wire.importing import import_files

    follower("a@example.org", "Energie")
    path = tmp_path / "alt.json"
    old = (timezone.now() - timedelta(days=3)).isoformat()
    path.write_text(
        json.dumps(
            {
                "guid": "urn:test:alt",
                "headline": "Alte Meldung",
                "description_text": "Kurz.",
                "section": "Wirtschaft",
                "subject": [{"name": "Energie"}],
                "firstcreated": old,
            }
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_files([path])
    assert Delivery.objects.count() == 0
    assert ArticleAlert.objects.count() == 1  # handled: it will not alert later either


def test_a_large_fanout_is_written_in_committed_slices_and_resumed_after_a_crash(
    site_tree, django_capture_on_commit_callbacks, monkeypatch
):
    """Slices of subscriber ids let workers start sending before a million rows are
    written; a fan-out whose worker died half-way is finished by the next worker loop."""
    from depesche.alerts import services

    readers = [follower(f"leser{i}@example.org", "Energie") for i in range(7)]
    monkeypatch.setattr(services, "FANOUT_FIRST_SLICE", 3)
    monkeypatch.setattr(services, "FANOUT_SLICE", 3)
    with django_capture_on_commit_callbacks(execute=False):
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])

    first = readers[0].pk - 1
    alert = ArticleAlert.objects.create(
        article=article,
        first_id=first,
        covered_to=first,
        last_id=readers[-1].pk,
        progressed_at=timezone.now(),
    )
    # The worker wrote one slice, then died.
    assert services._fanout_slice(article.pk) == 3
    alert.refresh_from_db()
    assert (alert.covered_to, alert.recipients, alert.finished_at) == (first + 3, 3, None)

    assert services.fanouts_resume() == 0  # still within its stall time: someone is on it
    later = timezone.now() + services.FANOUT_STALL + timedelta(seconds=1)
    assert services.fanouts_resume(now=later) == 4
    alert.refresh_from_db()
    assert alert.recipients == 7 and alert.finished_at is not None
    assert sorted(Delivery.objects.values_list("subscriber_id", flat=True)) == [
        r.pk for r in readers
    ]
    assert services.fanouts_resume(now=later) == 0


def test_fanout_slices_start_small_and_double(
    site_tree, django_capture_on_commit_callbacks, monkeypatch
):
    """The first slice is small so sending starts at once; later ones double up to the cap."""
    from depesche.alerts import services

    readers = [follower(f"leser{i}@example.org", "Energie") for i in range(20)]
    monkeypatch.setattr(services, "FANOUT_FIRST_SLICE", 2)
    monkeypatch.setattr(services, "FANOUT_SLICE", 8)
    with django_capture_on_commit_callbacks(execute=False):
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    ArticleAlert.objects.create(
        article=article,
        first_id=readers[0].pk - 1,
        covered_to=readers[0].pk - 1,
        last_id=readers[-1].pk,
    )
    sizes = []
    while (written := services._fanout_slice(article.pk)) is not None:
        sizes.append(written)
    assert sizes == [2, 4, 8, 6]
    assert Delivery.objects.count() == 20
