"""Sending alerts over a real SMTP server on loopback: success, 4xx retries, 5xx bounces."""

from __future__ import annotations

import json
import logging
import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from urllib.parse import unquote

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from depesche.alerts.models import Delivery
from depesche.alerts.rendering import message_id
from depesche.audience.models import Subscriber, TagFollow
from depesche.delivery.outbox import release_stale_claims
from depesche.delivery.sending import send_due
from tests.factories import follower, publish_article


def publish(site_tree, capture, *tags: str, title: str = "Strompreise sinken"):
    with capture(execute=True):
        return publish_article(site_tree.sections["Wirtschaft"], tags=list(tags), title=title)


def statuses() -> dict[str, str]:
    return dict(Delivery.objects.values_list("subscriber__email", "status"))


def make_due() -> None:
    Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())


def test_every_follower_gets_one_alert_naming_their_tags(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    a = follower("a@example.org", "Energie", "Klima")
    follower("b@example.org", "Klima")
    follower("c@example.org", "Sport")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", "Klima")
    assert send_due() == 2
    assert sorted(rcpt for rcpt, _ in server.accepted) == ["a@example.org", "b@example.org"]
    assert statuses() == {"a@example.org": "sent", "b@example.org": "sent"}
    raw = dict(server.accepted)["a@example.org"].decode()
    assert f"Message-ID: <{message_id(article_id=article.pk, subscriber_id=a.pk)}>" in raw
    assert "Energie, Klima" in raw
    assert "Strompreise sinken" in raw
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert "@@DEPESCHE" not in raw
    assert send_due() == 0  # nothing twice


def test_one_click_from_an_alert_ends_exactly_its_follows(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    reader = follower("a@example.org", "Energie", "Klima", "Haushalt")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie", "Klima")
    send_due()
    raw = server.accepted[0][1].decode()
    url = re.search(r"List-Unsubscribe: <http://testserver(/abo/abmelden/[^>]+)>", raw).group(1)
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    left = set(TagFollow.objects.filter(subscriber=reader).values_list("tag__name", flat=True))
    assert left == {"Haushalt"}


def test_temporary_failures_are_retried_until_delivered(
    site_tree, smtp, settings, django_capture_on_commit_callbacks
):
    emails = [f"leser{i}@example.org" for i in range(9)]
    server = smtp(temporary=set(emails[::3]))  # a third get 451 first
    for email in emails:
        follower(email, "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    assert send_due() == 6
    waiting = Delivery.objects.filter(status="pending")
    assert waiting.count() == 3
    assert all(d.next_attempt_at > timezone.now() for d in waiting)  # backoff
    assert all(d.last_error.startswith("451") for d in waiting)
    assert send_due() == 0  # not due yet
    make_due()
    assert send_due() == 3
    assert sorted(rcpt for rcpt, _ in server.accepted) == sorted(emails)
    assert set(statuses().values()) == {"sent"}


def test_a_permanent_failure_bounces_and_suppresses(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp(permanent={"weg@example.org"})
    gone = follower("weg@example.org", "Energie")
    follower("da@example.org", "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    send_due()
    assert statuses() == {"weg@example.org": "bounced", "da@example.org": "sent"}
    gone.refresh_from_db()
    assert gone.status == "bounced" and gone.is_suppressed
    # Never anything again: the next article does not even queue an alert for them.
    publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Zweiter Artikel")
    send_due()
    assert [rcpt for rcpt, _ in server.accepted].count("weg@example.org") == 0
    assert not Delivery.objects.filter(subscriber=gone, status="pending").exists()


def test_an_unreachable_relay_is_retried_then_marked_failed(
    site_tree, settings, request, django_capture_on_commit_callbacks
):
    # A port bound but never listening refuses connections; kept bound for the whole test, no
    # other test can start a server on it meanwhile.
    refusing = socket.socket()
    request.addfinalizer(refusing.close)
    refusing.bind(("127.0.0.1", 0))
    closed_port = refusing.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    settings.ALERT_MAX_ATTEMPTS = 3
    follower("a@example.org", "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    for attempt in range(1, 4):
        make_due()
        assert send_due() == 0
        delivery = Delivery.objects.get()
        assert delivery.attempts == attempt
        assert delivery.last_error.startswith("connection")
    assert delivery.status == "failed"


def test_readers_who_left_since_the_fanout_get_nothing(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    leaving = follower("weg@example.org", "Energie")
    follower("da@example.org", "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    Subscriber.objects.filter(pk=leaving.pk).update(status="unsubscribed")
    send_due()
    assert [rcpt for rcpt, _ in server.accepted] == ["da@example.org"]
    assert statuses()["weg@example.org"] == "cancelled"


def test_claims_of_a_dead_worker_go_back_to_the_queue(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    follower("a@example.org", "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    Delivery.objects.update(status="sending", claimed_at=timezone.now() - timedelta(hours=1))
    assert send_due() == 0  # claimed by "someone else"
    assert release_stale_claims() == 1
    assert send_due() == 1
    assert len(server.accepted) == 1


def test_other_mail_backends_get_the_same_message(
    site_tree, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    follower("a@example.org", "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    assert send_due() == 1
    assert len(mailoutbox) == 1
    assert "Strompreise sinken" in mailoutbox[0].message().as_string()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_several_connections_at_once_send_each_alert_once(site_tree, smtp, settings):
    settings.ALERT_SMTP_CONNECTIONS = 3
    server = smtp()
    emails = [f"leser{i}@example.org" for i in range(30)]
    for email in emails:
        follower(email, "Energie")
    publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"])  # commits at once
    assert send_due() == 30
    assert sorted(rcpt for rcpt, _ in server.accepted) == sorted(emails)
    assert set(statuses().values()) == {"sent"}


def test_alerts_not_yet_sent_when_the_article_is_restricted_never_go_out(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    server = smtp()
    follower("a@example.org", "Energie")
    follower("b@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    assert set(statuses().values()) == {"pending"}
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    assert send_due() == 0
    assert server.accepted == []
    assert set(statuses().values()) == {"cancelled"}


def test_a_restriction_set_behind_the_receivers_back_still_stops_the_send(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    # The send asks the gate itself: a restriction whose on-commit hook never ran (a crash, a
    # raw insert) still keeps the article out of every inbox.
    from wagtail.models import PageViewRestriction

    server = smtp()
    follower("a@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    assert statuses() == {"a@example.org": "pending"}
    assert send_due() == 0
    assert server.accepted == []
    assert statuses() == {"a@example.org": "cancelled"}


def _payload(token: str) -> object:
    """What a signed token carries, read without the key (as anyone holding the mail can)."""
    return json.loads(signing.b64_decode(token.split(":")[0].encode()))


@pytest.mark.parametrize("mailto", ["abmelden@depesche.invalid", ""], ids=["inbound", "smtp"])
def test_an_alert_names_the_reader_only_by_the_random_public_id(
    site_tree, smtp, settings, django_capture_on_commit_callbacks, mailto
):
    settings.UNSUBSCRIBE_MAILTO = mailto  # set only with an email service's inbound webhook
    server = smtp()
    Subscriber.objects.create(pk=987654, email="a@example.org", status=Subscriber.Status.ACTIVE)
    reader = follower("a@example.org", "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    assert send_due() == 1

    raw = server.accepted[0][1].decode()
    headers = raw.split("\r\n\r\n", 1)[0]
    message_id = re.search(r"^Message-ID: (.+)$", headers, re.M).group(1)
    assert "987654" not in message_id
    tokens = re.findall(r"/abo/(?:link|abmelden)/([^/\s\"<>]+)/", raw)
    unsubscribe = re.search(r"^List-Unsubscribe: (.+(?:\r\n\s.+)*)$", headers, re.M).group(1)
    if mailto:
        subject = re.search(r"<mailto:abmelden@depesche\.invalid\?subject=([^>]+)>", unsubscribe)
        tokens.append(unquote(subject.group(1)).removeprefix("unsubscribe "))
    else:
        assert "mailto:" not in unsubscribe
    assert len(tokens) >= 3  # preference link, one-click link in the text and the header
    for token in tokens:
        assert "987654" not in json.dumps(_payload(token))
        assert reader.public_id in json.dumps(_payload(token))


# --- one message never holds up the others --------------------------------------------------


def test_a_headline_with_line_breaks_goes_out_with_a_one_line_subject(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    follower("a@example.org", "Energie")
    follower("b@example.org", "Energie")
    title = "Strompreise\u2028sinken\nweiter\u0085und\r\nweiter"
    publish(site_tree, django_capture_on_commit_callbacks, "Energie", title=title)

    assert send_due() == 2

    assert statuses() == {"a@example.org": "sent", "b@example.org": "sent"}
    assert not Delivery.objects.filter(status="sending").exists()
    raw = dict(server.accepted)["a@example.org"]
    message = message_from_bytes(raw, policy=default)
    assert message["Subject"] == "Strompreise sinken weiter und weiter"
    headers = raw.split(b"\r\n\r\n", 1)[0].decode()
    assert "Subject: Strompreise sinken weiter und weiter\r\n" in headers


def test_a_message_that_cannot_be_built_fails_alone(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    follower("a@example.org", "Energie")
    # A row the message builder refuses: a line break would end the To header and smuggle
    # in headers of its own (such a row can come from an old import or a direct write).
    follower("kaputt\n@example.org", "Energie")
    follower("c@example.org", "Energie")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")

    assert send_due() == 2

    assert sorted(server.recipients) == ["a@example.org", "c@example.org"]
    assert statuses() == {
        "a@example.org": "sent",
        "kaputt\n@example.org": "failed",
        "c@example.org": "sent",
    }
    broken = Delivery.objects.get(subscriber__email="kaputt\n@example.org")
    assert broken.last_error.startswith("build: ")
    assert not Delivery.objects.filter(status="sending").exists()
    assert Subscriber.objects.get(email="kaputt\n@example.org").status == "active"  # no bounce
    assert send_due() == 0  # not tried again by itself


def test_refused_addresses_are_masked_in_logs_and_stored_errors(
    site_tree, smtp, caplog, our_log_lines, django_capture_on_commit_callbacks
):
    smtp(permanent={"anna.berg@example.org"}, temporary={"bernd@example.org"})
    follower("anna.berg@example.org", "Energie")
    follower("bernd@example.org", "Energie")
    caplog.set_level(logging.DEBUG, logger="depesche")
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")

    send_due()

    errors = dict(Delivery.objects.values_list("subscriber__email", "last_error"))
    # Shown in the admin's error lists: the server's answer, the address masked.
    assert errors["anna.berg@example.org"] == (
        "550 5.1.1 <a***@example.org>: Recipient address rejected: mailbox unavailable"
    )
    assert errors["bernd@example.org"] == "451 4.3.0 <b***@example.org>: try again later"
    logged = our_log_lines()
    assert "anna.berg@" not in logged and "bernd@" not in logged
