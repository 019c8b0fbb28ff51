"""An approved Wochenrückblick goes out: podcast episode (real eSpeak NG and ffmpeg), then the
email to every active subscriber through the outbox and a real SMTP server, exactly once."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from depesche.audience.models import Subscriber, Subscription
from depesche.audio.errors import SynthesisError
from depesche.delivery.sending import send_due
from depesche.digest import publishing
from depesche.digest.mailing import DIGEST_MAILS
from depesche.digest.models import Digest, DigestMail
from depesche.digest.services import digest_approve, digest_build
from depesche.podcast.models import Episode
from tests.factories import SubscriberFactory, WeeklySubscriptionFactory
from tests.support.digest_week import AFTER, WEEK


def reader(email: str, *, status: str = "active", subscribed: bool = True) -> Subscriber:
    subscriber = SubscriberFactory(email=email, status=status)
    WeeklySubscriptionFactory(subscriber=subscriber, active=subscribed)
    return subscriber


@pytest.fixture
def readers(db):
    return [
        reader("eins@example.org"),
        reader("zwei@example.org"),
        reader("offen@example.org", status="pending"),
        reader("pausiert@example.org", subscribed=False),
        SubscriberFactory(email="nur-themen@example.org"),
    ]


def approve(week_articles, capture) -> Digest:
    digest = digest_build(week=WEEK, now=AFTER)
    with capture(execute=True):  # the publish task runs at once in the test settings
        digest_approve(digest=digest, user=None)
    return Digest.objects.get(pk=digest.pk)


def test_approval_publishes_the_episode_and_mails_every_active_subscriber_once(
    week_articles, readers, smtp_mails, django_capture_on_commit_callbacks
):
    digest = approve(week_articles, django_capture_on_commit_callbacks)
    assert digest.status == Digest.Status.SENT
    episode = Episode.objects.get(source_key=f"digest:{WEEK}")
    assert episode.voice == "pico"  # the Wochenrückblick is read by SVOX Pico
    topics = list(digest.topics.order_by("sort_order").values_list("headline", flat=True))
    titles = [c["title"] for c in episode.chapters["chapters"]]
    assert titles == ["Begrüßung", *topics, "Abschied"]
    assert episode.duration_s > 5 and episode.audio_bytes == episode.audio.size
    assert "Willkommen zum Wochenrückblick" in episode.transcript_vtt
    assert "Podcast veröffentlicht" in digest.build_log

    assert send_due(kind=DIGEST_MAILS) == 2
    mails = smtp_mails.wait(2)
    assert sorted(m.to for m in mails) == ["eins@example.org", "zwei@example.org"]
    mail = mails[0]
    assert mail.subject.startswith("Wochenrückblick ")
    body = mail.body()
    for headline in topics:
        assert headline in body
    assert f"/podcast/{episode.slug}/" in body
    assert "@@DEPESCHE" not in body + mail.body("html")
    assert set(DigestMail.objects.values_list("status", flat=True)) == {"sent"}
    assert send_due(kind=DIGEST_MAILS) == 0  # exactly once
    assert len(smtp_mails.all()) == 2

    # The one-click link in the header ends the Wochenrückblick, nothing else.
    url = re.search(r"<http://testserver(/abo/abmelden/[^>]+)>", mail.list_unsubscribe).group(1)
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription = Subscription.objects.get(subscriber__email=mail.to)
    assert subscription.active is False

    # The episode is in the feed.
    assert episode.guid.encode() in Client().get("/podcast/feed.xml").content


def test_a_failed_synthesis_keeps_the_email_and_can_be_retried(
    week_articles, readers, smtp_mails, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise SynthesisError("espeak-ng: not found")

    monkeypatch.setattr(publishing, "synthesize", broken)
    digest = approve(week_articles, django_capture_on_commit_callbacks)
    assert not Episode.objects.exists()
    assert "Podcast fehlgeschlagen: espeak-ng: not found" in digest.build_log
    assert DigestMail.objects.count() == 2  # the email goes out anyway
    assert send_due(kind=DIGEST_MAILS) == 2
    assert "/podcast/" in smtp_mails.wait(2)[0].body()

    monkeypatch.undo()
    call_command("digest", "publish", "--week", WEEK)
    assert Episode.objects.filter(source_key=f"digest:{WEEK}").exists()
    assert DigestMail.objects.count() == 2  # nobody is mailed twice
    assert send_due(kind=DIGEST_MAILS) == 0


def test_publish_command_errors(week_articles):
    with pytest.raises(CommandError, match="--week"):
        call_command("digest", "publish")
    with pytest.raises(CommandError, match="keinen Wochenrückblick"):
        call_command("digest", "publish", "--week", "2026-W01")
    digest_build(week=WEEK, now=AFTER)
    with pytest.raises(CommandError, match="nicht freigegeben"):
        call_command("digest", "publish", "--week", WEEK)
