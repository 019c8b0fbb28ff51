"""Web Push for articles: the fan-out when one goes live, and what the push service receives
(decrypted here as the browser would), through the outbox."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from depesche.alerts.models import ArticlePush, PushDelivery
from depesche.alerts.push import PUSH, push_enqueue_for_article, teaser_cut
from depesche.audience.models import PushSubscription
from depesche.audience.push import parse_subscription, push_subscribe
from depesche.delivery.push_sending import push_send_due
from tests.factories import publish_article
from tests.support.pushservice import Browser, jwt_claims
from tests.support.wait import wait_for

TEASER = (
    "Die Netzagentur legt neue Regeln für Stromspeicher vor: Wer Batterien ans Netz bringt, "
    "zahlt künftig weniger Entgelte, muss aber Daten zur Auslastung melden."
)


def subscribe(service, *topics: str, name: str | None = None) -> Browser:
    browser = Browser(service, name=name)
    push_subscribe(
        subscription=parse_subscription({"subscription": browser.subscription()}),
        topics=list(topics),
    )
    return browser


@pytest.fixture
def energy(site_tree):
    """A public article tagged Energie and Klima, so the tags can be followed."""
    return publish_article(site_tree.sections["Wirtschaft"], tags=["Energie", "Klima"])


def publish(site_tree, django_capture_on_commit_callbacks, **fields):
    """Publish an article; its on-commit fan-outs run (the test settings run tasks at once)."""
    with django_capture_on_commit_callbacks(execute=True):
        return publish_article(site_tree.sections["Wirtschaft"], **fields)


def test_a_published_article_notifies_each_following_browser_once(
    site_tree, energy, push_service, django_capture_on_commit_callbacks
):
    follows = subscribe(push_service, "thema:energie", "eilmeldungen")
    other = subscribe(push_service, "eilmeldungen")  # not an Eilmeldung: not for it
    article = publish(
        site_tree,
        django_capture_on_commit_callbacks,
        title="Netzagentur senkt Entgelte für Speicher",
        teaser=TEASER,
        tags=["Energie", "Klima"],
    )
    assert push_send_due(kind=PUSH) == 1
    assert push_send_due(kind=PUSH) == 0
    [request] = push_service.received
    assert request.path == follows.path and not push_service.to(other.path)
    assert follows.decrypt(request.body) == {
        "title": "Netzagentur senkt Entgelte für Speicher",
        "body": teaser_cut(TEASER),
        "url": f"{settings.BASE_URL}{article.url}",
        "topic": "thema:energie",
    }
    assert len(teaser_cut(TEASER)) <= 120 and teaser_cut(TEASER).endswith("…")
    assert request.headers["ttl"] == "86400"
    assert request.headers["urgency"] == "normal"
    assert request.headers["content-encoding"] == "aes128gcm"
    claims, key = jwt_claims(request.headers["authorization"])
    assert key == settings.VAPID_PUBLIC_KEY
    assert claims["aud"] == push_service.origin
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert claims["sub"] == settings.VAPID_SUBJECT
    # Published again ("Aktualisiert"): nobody is notified twice.
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert push_enqueue_for_article(article_id=article.pk) == 0
    assert push_send_due(kind=PUSH) == 0
    assert PushDelivery.objects.get().status == PushDelivery.Status.SENT


def test_an_eilmeldung_goes_with_urgency_high_to_its_followers(
    site_tree, energy, push_service, django_capture_on_commit_callbacks
):
    breaking = subscribe(push_service, "eilmeldungen")
    both = subscribe(push_service, "eilmeldungen", "thema:energie")
    topic_only = subscribe(push_service, "thema:energie")
    subscribe(push_service, "thema:klima")
    article = publish(
        site_tree, django_capture_on_commit_callbacks, breaking=True, tags=["Energie"]
    )
    assert push_send_due(kind=PUSH) == 3
    got = {r.path: r for r in push_service.received}
    assert set(got) == {breaking.path, both.path, topic_only.path}
    assert {r.headers["urgency"] for r in got.values()} == {"high"}
    assert breaking.decrypt(got[breaking.path].body)["topic"] == "eilmeldungen"
    assert both.decrypt(got[both.path].body)["topic"] == "eilmeldungen"
    assert topic_only.decrypt(got[topic_only.path].body)["topic"] == "thema:energie"
    assert ArticlePush.objects.get(article=article).recipients == 3


def test_a_gone_subscription_is_deleted(
    site_tree, energy, push_service, django_capture_on_commit_callbacks
):
    gone = subscribe(push_service, "thema:energie")
    push_service.answer(gone.path, (410, {}))
    publish(site_tree, django_capture_on_commit_callbacks, tags=["Energie"])
    assert push_send_due(kind=PUSH) == 0
    assert not PushSubscription.objects.exists()
    row = PushDelivery.objects.get()
    assert row.status == PushDelivery.Status.BOUNCED and "410" in row.last_error


def test_429_is_retried_after_its_retry_after(
    site_tree, energy, push_service, django_capture_on_commit_callbacks
):
    busy = subscribe(push_service, "thema:energie")
    push_service.answer(busy.path, (429, {"Retry-After": "2"}), (201, {}))
    publish(site_tree, django_capture_on_commit_callbacks, tags=["Energie"])
    assert push_send_due(kind=PUSH) == 0
    first = time.monotonic()
    row = PushDelivery.objects.get()
    assert row.status == PushDelivery.Status.PENDING and "429" in row.last_error
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=1)
    sent_at: list[float] = []

    def retried() -> bool:
        if push_send_due(kind=PUSH):
            sent_at.append(time.monotonic())
        return bool(sent_at)

    wait_for(retried, timeout=10, interval=0.1, what="the retry after Retry-After")
    assert sent_at[0] - first >= 1.8
    assert [r.status for r in push_service.to(busy.path)] == [429, 201]
    assert PushDelivery.objects.get().status == PushDelivery.Status.SENT


def test_5xx_retries_and_other_4xx_fail_for_good(
    site_tree, energy, push_service, django_capture_on_commit_callbacks
):
    flaky = subscribe(push_service, "thema:energie")
    refused = subscribe(push_service, "thema:energie")
    push_service.answer(flaky.path, (503, {}), (201, {}))
    push_service.answer(refused.path, (400, {}))
    publish(site_tree, django_capture_on_commit_callbacks, tags=["Energie"])
    assert push_send_due(kind=PUSH) == 0
    rows = {r.subscription_id: r for r in PushDelivery.objects.all()}
    failed = rows[PushSubscription.objects.get(endpoint=refused.endpoint).pk]
    waiting = rows[PushSubscription.objects.get(endpoint=flaky.endpoint).pk]
    assert failed.status == PushDelivery.Status.FAILED and "400" in failed.last_error
    assert waiting.status == PushDelivery.Status.PENDING and "503" in waiting.last_error
    assert waiting.next_attempt_at > timezone.now()  # the outbox's backoff
    PushDelivery.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())
    assert push_send_due(kind=PUSH) == 1
    assert len(push_service.to(refused.path)) == 1  # never retried


def test_a_restricted_article_notifies_nobody(
    site_tree, energy, push_service, django_capture_on_commit_callbacks
):
    subscribe(push_service, "thema:energie", "eilmeldungen")
    draft = publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"], breaking=True)
    # Restricted before its fan-out ran: nothing is written.
    PageViewRestriction.objects.create(
        page=draft, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert push_enqueue_for_article(article_id=draft.pk) == 0
    # Restricted after the fan-out: the rows are cancelled, nothing is sent.
    article = publish(site_tree, django_capture_on_commit_callbacks, tags=["Energie"])
    assert PushDelivery.objects.filter(article=article).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    assert push_send_due(kind=PUSH) == 0
    assert not push_service.received
    assert PushDelivery.objects.get(article=article).status == PushDelivery.Status.CANCELLED


def test_a_browser_follows_an_author(site_tree, push_service, client, settings):
    from depesche.audience.push import PushInvalid
    from depesche.newsroom.models import Author

    weber = Author.objects.create(name="Jana Weber", slug="jana-weber")
    publish_article(site_tree.sections["Politik"], authors=[weber])
    browser = subscribe(push_service, "autor:jana-weber")
    assert PushSubscription.objects.get().topics.get().author == weber
    with pytest.raises(PushInvalid, match="unknown topic: autor:niemand"):
        subscribe(push_service, "autor:niemand")
    # The author page offers it beside the feed.
    page = client.get("/autoren/jana-weber/").content.decode()
    assert 'data-push-topic="autor:jana-weber"' in page
    assert f'data-vapid-key="{settings.VAPID_PUBLIC_KEY}"' in page

    article = publish_article(
        site_tree.sections["Wirtschaft"], authors=[weber], title="Weber über Speicher"
    )
    assert push_enqueue_for_article(article_id=article.pk) == 1
    assert push_send_due(kind=PUSH) == 1
    payload = browser.decrypt(push_service.received[0].body)
    assert payload["topic"] == "autor:jana-weber"
    assert payload["title"] == "Weber über Speicher"


def test_the_environments_proxy_and_no_proxy_are_honoured(push_service, monkeypatch):
    """The sender reads the proxy variables once per push service, not per request: still a
    proxy named there carries the request, and NO_PROXY still bypasses it."""
    from depesche.config import vapid
    from depesche.delivery.webpush import PushSender

    browser = Browser(push_service)
    sender = PushSender(private_key=vapid.new_private_key(), subject="mailto:x@example.org")
    send = dict(p256dh=browser.p256dh, auth=browser.subscription()["keys"]["auth"])
    monkeypatch.setenv("HTTP_PROXY", push_service.origin)  # the stand-in plays the proxy
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    via_proxy = sender.send(
        endpoint="http://push.invalid/push/p1", payload=b"{}", ttl=60, urgency="normal", **send
    )
    direct = sender.send(endpoint=browser.endpoint, payload=b"{}", ttl=60, urgency="normal", **send)
    assert via_proxy.outcome == "sent" and direct.outcome == "sent"
    # A proxy is asked for the absolute URL; the direct request for the path.
    assert [r.path for r in push_service.received] == ["http://push.invalid/push/p1", browser.path]
