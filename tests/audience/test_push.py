"""Web Push subscriptions: /push/subscribe/, /push/unsubscribe/, /push/themen/, /push/ and
/sw.js; a browser is known by its subscription alone."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from depesche.audience.models import PushSubscription, PushTopic
from tests.factories import publish_article
from tests.support.pushservice import Browser


@pytest.fixture
def tags(site_tree):
    """Two public tags (an article each) and one only a restricted article uses."""
    publish_article(site_tree.sections["Politik"], tags=["Energie"])
    publish_article(site_tree.sections["Wirtschaft"], tags=["Klima"])
    hidden = publish_article(site_tree.sections["Politik"], tags=["Geheimsache"])
    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )


def post(client, url: str, body: object, **headers: str):
    return client.post(
        url,
        json.dumps(body),
        content_type="application/json",
        headers={"Origin": "http://testserver", **headers},
    )


def test_subscribe_follows_topics_and_answers_all_followed(client, tags, push_service):
    browser = Browser(push_service)
    first = post(
        client,
        "/push/subscribe/",
        {"subscription": browser.subscription(), "topics": ["thema:energie"]},
    )
    assert first.status_code == 201
    assert first.json() == {"topics": ["thema:energie"]}
    again = post(
        client,
        "/push/subscribe/",
        {"subscription": browser.subscription(), "topics": ["eilmeldungen", "thema:energie"]},
    )
    assert again.status_code == 201
    assert again.json() == {"topics": ["eilmeldungen", "thema:energie"]}
    assert PushSubscription.objects.count() == 1
    assert PushTopic.objects.count() == 2
    assert first["Cache-Control"] == "private, no-store"
    listed = post(client, "/push/themen/", {"subscription": browser.subscription()})
    assert listed.json() == {"topics": ["eilmeldungen", "thema:energie"]}


def test_unsubscribe_removes_topics_then_the_subscription(client, tags, push_service):
    browser = Browser(push_service)
    body = {"subscription": browser.subscription(), "topics": ["thema:energie", "thema:klima"]}
    post(client, "/push/subscribe/", body)
    some = post(
        client,
        "/push/unsubscribe/",
        {"subscription": browser.subscription(), "topics": ["thema:klima"]},
    )
    assert some.status_code == 200 and some.json() == {"topics": ["thema:energie"]}
    everything = post(client, "/push/unsubscribe/", {"subscription": browser.subscription()})
    assert everything.json() == {"topics": []}
    assert not PushSubscription.objects.exists()
    gone = post(client, "/push/unsubscribe/", {"subscription": browser.subscription()})
    assert gone.status_code == 404


def test_the_endpoint_alone_does_not_reveal_or_end_a_subscription(client, tags, push_service):
    owner = Browser(push_service)
    post(
        client,
        "/push/subscribe/",
        {"subscription": owner.subscription(), "topics": ["thema:energie"]},
    )
    stranger = owner.subscription()
    stranger["keys"]["auth"] = Browser(push_service).subscription()["keys"]["auth"]
    assert post(client, "/push/themen/", {"subscription": stranger}).json() == {"topics": []}
    assert post(client, "/push/unsubscribe/", {"subscription": stranger}).status_code == 404
    assert PushTopic.objects.count() == 1


def test_a_new_subscription_on_the_same_endpoint_replaces_keys_and_topics(
    client, tags, push_service
):
    old = Browser(push_service, name="same")
    post(
        client,
        "/push/subscribe/",
        {"subscription": old.subscription(), "topics": ["thema:energie"]},
    )
    new = Browser(push_service, name="same")
    answer = post(
        client, "/push/subscribe/", {"subscription": new.subscription(), "topics": ["thema:klima"]}
    )
    assert answer.json() == {"topics": ["thema:klima"]}
    stored = PushSubscription.objects.get()
    assert stored.p256dh == new.p256dh


BAD_REQUESTS = [
    (lambda body: body.pop("topics"), "topics must be a non-empty list"),
    (
        lambda body: body.update(topics=["thema:geheimsache"]),
        "unknown topic: thema:geheimsache",
    ),
    (
        lambda body: body.update(topics=["sport"]),
        "unknown topic: sport (expected thema:<slug>, autor:<slug> or eilmeldungen)",
    ),
    (lambda body: body.update(topics=[7]), "topics must be strings"),
    (lambda body: body.pop("subscription"), "subscription is missing"),
    (lambda body: body["subscription"].pop("keys"), "subscription.keys is missing"),
    (
        lambda body: body["subscription"]["keys"].update(auth="AAAA"),
        "subscription.keys.auth has 3 bytes, not 16",
    ),
    (
        lambda body: body["subscription"]["keys"].update(p256dh="!!"),
        "subscription.keys.p256dh is not base64url",
    ),
    (
        lambda body: body["subscription"].update(endpoint="x" * 2001),
        "subscription.endpoint is longer than 2000 characters",
    ),
]


def test_bad_requests_name_the_problem_and_write_nothing(client, tags, push_service):
    # One test, many requests: each case costs a request, not a site of its own.
    for change, message in BAD_REQUESTS:
        body = {"subscription": Browser(push_service).subscription(), "topics": ["thema:energie"]}
        change(body)
        answer = post(client, "/push/subscribe/", body)
        assert (answer.status_code, answer.json()) == (400, {"error": message})
    assert not PushSubscription.objects.exists()


def test_not_json_is_a_400(client, tags):
    answer = client.post(
        "/push/subscribe/",
        "endpoint=x",
        content_type="text/plain",
        headers={"Origin": "http://testserver"},
    )
    assert answer.status_code == 400
    assert "JSON" in answer.json()["error"]


REFUSED_ENDPOINTS = [
    ("http://push.example.org/abc", "subscription.endpoint must be an https URL"),
    ("https://127.0.0.1/abc", "subscription.endpoint must be a public host"),
    ("https://10.1.2.3/abc", "subscription.endpoint must be a public host"),
    ("https://[::1]/abc", "subscription.endpoint must be a public host"),
    ("https://localhost/abc", "subscription.endpoint must be a public host"),
    ("https://intranet/abc", "subscription.endpoint must be a public host"),
]


@pytest.mark.django_db
def test_endpoints_our_workers_must_not_call_are_refused(client):
    """Without the test's loopback push service: the production rule."""
    for endpoint, message in REFUSED_ENDPOINTS:
        body = {
            "subscription": {
                "endpoint": endpoint,
                "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
            },
            "topics": ["thema:energie"],
        }
        answer = post(client, "/push/subscribe/", body)
        assert (answer.status_code, answer.json()) == (400, {"error": message}), endpoint


def test_a_public_https_endpoint_is_accepted(client, tags):
    key = "B" + "A" * 86  # 65 bytes: the size of an uncompressed point (not checked further)
    body = {
        "subscription": {
            "endpoint": "https://fcm.googleapis.com/fcm/send/abc:def",
            "keys": {"p256dh": key, "auth": "A" * 22},
        },
        "topics": ["thema:energie"],
    }
    assert post(client, "/push/subscribe/", body).status_code == 201


def test_a_cross_site_post_is_refused(tags, push_service):
    client = Client(enforce_csrf_checks=True)
    body = {"subscription": Browser(push_service).subscription(), "topics": ["thema:energie"]}
    answer = post(client, "/push/subscribe/", body, Origin="https://evil.example")
    assert answer.status_code == 403
    assert not PushSubscription.objects.exists()


def test_the_service_worker_is_served_at_the_root(client, site_tree):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/"
    script = answer.content.decode()
    assert 'addEventListener("push"' in script
    assert "showNotification" in script and "openWindow" in script


def test_push_page_and_the_offer_beside_the_email_form(client, tags, settings):
    page = client.get("/push/")
    assert page.status_code == 200
    assert "data-push-manage" in page.content.decode()
    assert "private" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    signup = client.get("/abo/folgen/energie/anmelden/").content.decode()
    assert "Im Browser benachrichtigen" in signup
    assert 'data-push-topic="thema:energie"' in signup
    assert f'data-vapid-key="{settings.VAPID_PUBLIC_KEY}"' in signup
    assert "depesche/push.js" in signup


def test_a_renewed_subscription_keeps_the_browsers_topics(client, tags, push_service):
    old, new = Browser(push_service), Browser(push_service)
    body = {"subscription": old.subscription(), "topics": ["eilmeldungen", "thema:energie"]}
    post(client, "/push/subscribe/", body)
    renewal = {"subscription": new.subscription(), "replaces": old.subscription()}
    renewed = post(client, "/push/renew/", renewal)
    assert renewed.status_code == 201
    assert renewed.json() == {"topics": ["eilmeldungen", "thema:energie"]}
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [new.endpoint]
    # The service worker's request retried: the same answer, nothing written twice.
    again = post(client, "/push/renew/", renewal)
    assert again.status_code == 201 and again.json() == renewed.json()
    assert PushTopic.objects.count() == 2


def test_a_renewal_needs_the_old_subscriptions_secret(client, tags, push_service):
    owner, new = Browser(push_service), Browser(push_service)
    post(
        client,
        "/push/subscribe/",
        {"subscription": owner.subscription(), "topics": ["thema:energie"]},
    )
    stranger = owner.subscription()
    stranger["keys"]["auth"] = Browser(push_service).subscription()["keys"]["auth"]
    taken = post(client, "/push/renew/", {"subscription": new.subscription(), "replaces": stranger})
    assert taken.status_code == 404
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [owner.endpoint]
    missing = post(client, "/push/renew/", {"subscription": new.subscription()})
    assert missing.status_code == 400 and missing.json() == {"error": "replaces is missing"}
    same = post(
        client,
        "/push/renew/",
        {"subscription": owner.subscription(), "replaces": owner.subscription()},
    )
    assert same.status_code == 400
    assert PushTopic.objects.count() == 1
