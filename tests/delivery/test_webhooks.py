"""The email service's tracking and inbound webhooks, posted as Postmark posts them, through
anymail's views."""

from __future__ import annotations

import base64
import importlib
import json
import re
from typing import Any
from urllib.parse import unquote

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

from depesche.alerts.models import Delivery
from depesche.audience import tasks
from depesche.audience.models import ConsentRecord, Subscriber, Subscription, SuppressedAddress
from depesche.delivery.suppression import address_suppress
from depesche.site import urls
from tests.factories import publish_article
from tests.support.audience import confirmed, ledger, signup

URL = "/anymail/postmark/tracking/"
READER = "leserin@example.org"


@pytest.fixture
def reader(texts, energie) -> Subscriber:
    """A confirmed reader of the Wochenrückblick who follows "Energie"."""
    return confirmed(texts, READER, tag=energie)


@pytest.fixture
def queued(site_tree, reader, django_capture_on_commit_callbacks) -> Delivery:
    """An alert for the reader waiting in the outbox, and an earlier one already sent."""
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(site_tree.sections["Politik"], tags=["Energie"])
    Delivery.objects.update(status=Delivery.Status.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(site_tree.sections["Politik"], tags=["Energie"])
    return Delivery.objects.get(status=Delivery.Status.PENDING)


def auth(credentials: str | None = None) -> dict[str, str]:
    credentials = credentials or settings.ANYMAIL["WEBHOOK_SECRET"][0]
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


def post(client, event: dict[str, Any], **headers: str):
    return client.post(
        URL, data=json.dumps(event), content_type="application/json", headers=headers or auth()
    )


def state(email: str = READER) -> tuple[Any, ...]:
    """Everything a webhook may change about a reader."""
    subscriber = Subscriber.objects.get(email=email)
    return (
        subscriber.status,
        sorted(subscriber.subscriptions.values_list("purpose", "active")),
        sorted(subscriber.follows.values_list("tag__slug", "active")),
        ledger(subscriber),
        sorted(Delivery.objects.filter(subscriber=subscriber).values_list("pk", "status")),
    )


# Payloads as Postmark sends them (after anymail's own tests for its Postmark webhook).


def bounce(email: str = READER, kind: str = "HardBounce") -> dict[str, Any]:
    return {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": kind,
        "TypeCode": 1,
        "ServerID": 23,
        "Name": "Hard bounce",
        "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
        "Description": "The server was unable to deliver your message.",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "redaktion@depesche.invalid",
        "BouncedAt": "2026-04-27T16:28:50.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Neu zum Thema Energie",
    }


def spam_complaint(email: str = READER) -> dict[str, Any]:
    return {
        **bounce(email),
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "CanActivate": False,
    }


def subscription_change(
    email: str = READER, *, suppress: bool = True, reason: str | None = "ManualSuppression"
) -> dict[str, Any]:
    return {
        "RecordType": "SubscriptionChange",
        "MessageID": "a4909a96-73d7-4c49-b148-a54522d3f7ac",
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2026-06-05T17:17:32Z",
        "Recipient": email,
        "Origin": "Recipient",
        "SuppressSending": suppress,
        "SuppressionReason": reason,
    }


def delivered(email: str = READER) -> dict[str, Any]:
    return {
        "RecordType": "Delivery",
        "ServerId": 23,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": email,
        "DeliveredAt": "2026-08-01T13:28:10.2735393-04:00",
        "Details": "Test delivery webhook details",
    }


def opened(email: str = READER) -> dict[str, Any]:
    return {
        "RecordType": "Open",
        "FirstOpen": True,
        "UserAgent": "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0",
        "MessageID": "f4830d10-9c35-4f0c-bca3-3d9b459821f8",
        "ReceivedAt": "2026-04-27T16:21:41.2493688-04:00",
        "Recipient": email,
    }


def clicked(email: str = READER) -> dict[str, Any]:
    return {
        **opened(email),
        "RecordType": "Click",
        "OriginalLink": "http://testserver/politik/energie/",
    }


# --- bounces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(bounce(), id="hard-bounce"),
        pytest.param(bounce(READER.upper()), id="address-in-capitals"),
        pytest.param(subscription_change(reason="HardBounce"), id="suppressed-after-bounce"),
        pytest.param(bounce(kind="BadEmailAddress"), id="rejected"),
    ],
)
def test_a_bounce_suppresses_the_reader_and_cancels_their_alerts(client, queued, event):
    before = state()
    assert post(client, event).status_code == 200

    subscriber = Subscriber.objects.get(email=READER)
    assert subscriber.status == Subscriber.Status.BOUNCED
    assert subscriber.is_suppressed
    queued.refresh_from_db()
    assert queued.status == Delivery.Status.CANCELLED
    statuses = set(Delivery.objects.filter(subscriber=subscriber).values_list("status", flat=True))
    assert statuses == {Delivery.Status.SENT, Delivery.Status.CANCELLED}  # history stays
    # The reader withdrew nothing: lists and ledger as they were.
    assert state()[1:4] == before[1:4]

    # The service sends the same event again: nothing more happens.
    after = state()
    assert post(client, event).status_code == 200
    assert state() == after


def test_a_bounce_also_cancels_failed_alerts_so_a_retry_cannot_send_them(client, queued):
    Delivery.objects.filter(pk=queued.pk).update(status=Delivery.Status.FAILED)
    post(client, bounce())
    queued.refresh_from_db()
    assert queued.status == Delivery.Status.CANCELLED


def test_a_complaint_is_never_downgraded_to_a_bounce(client, queued):
    post(client, spam_complaint())
    post(client, bounce())
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.COMPLAINED


# --- complaints ------------------------------------------------------------------------------


def test_a_spam_complaint_suppresses_the_reader_and_withdraws_everything(client, queued):
    before = ledger(queued.subscriber)
    assert post(client, spam_complaint()).status_code == 200

    subscriber = Subscriber.objects.get(email=READER)
    assert subscriber.status == Subscriber.Status.COMPLAINED
    assert subscriber.is_suppressed
    assert ledger(subscriber) == [*before, ("withdrawal", "alle")]
    withdrawal = subscriber.consents.order_by("pk").last()
    assert withdrawal is not None and withdrawal.source == "webhook"
    assert not subscriber.subscriptions.filter(active=True).exists()
    assert not subscriber.follows.exists()
    queued.refresh_from_db()
    assert queued.status == Delivery.Status.CANCELLED

    after = state()
    assert post(client, spam_complaint()).status_code == 200
    assert state() == after  # no second withdrawal


def test_a_complaint_after_a_bounce_is_still_recorded(client, reader):
    post(client, bounce())
    post(client, spam_complaint())
    subscriber = Subscriber.objects.get(email=READER)
    assert subscriber.status == Subscriber.Status.COMPLAINED
    assert ledger(subscriber)[-1] == ("withdrawal", "alle")


# --- unsubscribes ----------------------------------------------------------------------------


def test_an_unsubscribe_ends_every_list_like_the_preference_center(client, queued):
    before = ledger(queued.subscriber)
    assert post(client, subscription_change()).status_code == 200

    subscriber = Subscriber.objects.get(email=READER)
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert not subscriber.subscriptions.filter(active=True).exists()
    assert not subscriber.follows.exists()
    assert ledger(subscriber) == [*before, ("withdrawal", "alle")]
    assert subscriber.consents.order_by("pk").last().source == "webhook"  # type: ignore[union-attr]
    queued.refresh_from_db()
    assert queued.status == Delivery.Status.CANCELLED

    after = state()
    assert post(client, subscription_change()).status_code == 200
    assert state() == after  # no second withdrawal


def test_an_unsubscribe_keeps_a_bounced_reader_bounced(client, reader):
    post(client, bounce())
    post(client, subscription_change())
    subscriber = Subscriber.objects.get(email=READER)
    assert subscriber.status == Subscriber.Status.BOUNCED
    assert not subscriber.subscriptions.filter(active=True).exists()


def test_an_unsubscribe_from_another_service_through_the_signal(reader):
    """Services without a webhook payload of their own reach the receiver the same way."""
    event = AnymailTrackingEvent(event_type="unsubscribed", recipient=READER, esp_event={})
    tracking.send(sender=object, event=event, esp_name="Irgendwer")
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.UNSUBSCRIBED


# --- nothing to do ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(delivered(), id="delivered"),
        pytest.param(opened(), id="opened"),
        pytest.param(clicked(), id="clicked"),
        pytest.param(bounce(kind="Transient"), id="deferred"),
        pytest.param(subscription_change(suppress=False, reason=None), id="resubscribed"),
    ],
)
def test_other_events_change_nothing(client, queued, event):
    before = state()
    assert post(client, event).status_code == 200
    assert state() == before


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-auth"),
        pytest.param(auth("anymail-test:falsch"), id="wrong-password"),
        pytest.param({"Authorization": "Bearer anymail-test:geheim"}, id="not-basic"),
    ],
)
def test_without_the_right_credentials_nothing_changes(client, queued, headers):
    before = state()
    response = client.post(
        URL, data=json.dumps(bounce()), content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert state() == before


def test_an_unknown_address_is_acknowledged_and_nothing_changes(client, queued):
    before = state()
    assert post(client, bounce("fremd@example.org")).status_code == 200
    assert post(client, spam_complaint("fremd@example.org")).status_code == 200
    assert state() == before
    assert not Subscriber.objects.filter(email="fremd@example.org").exists()
    assert not SuppressedAddress.objects.exists()


def test_the_service_rejects_reasons_it_does_not_know(reader):
    with pytest.raises(ValueError, match="opened"):
        address_suppress(email=READER, reason="opened")
    assert address_suppress(email="fremd@example.org", reason="bounced") is False


@pytest.fixture
def no_secret():
    """The site as configured without ANYMAIL_WEBHOOK_SECRET."""
    with override_settings(ANYMAIL={"WEBHOOK_SECRET": []}):
        importlib.reload(urls)
        clear_url_caches()
        yield
    importlib.reload(urls)
    clear_url_caches()


def test_without_a_secret_the_webhooks_do_not_exist(client, queued, no_secret):
    before = state()
    response = client.post(URL, data=json.dumps(bounce()), content_type="application/json")
    assert response.status_code == 404
    assert state() == before


# --- a suppressed reader gets nothing again --------------------------------------------------


def test_a_suppressed_reader_gets_no_alerts(
    client, site_tree, reader, texts, energie, django_capture_on_commit_callbacks
):
    confirmed(texts, "andere@example.org", tag=energie)
    post(client, bounce())
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(site_tree.sections["Politik"], tags=["Energie"])
    recipients = set(Delivery.objects.values_list("subscriber__email", flat=True))
    assert recipients == {"andere@example.org"}


@pytest.mark.parametrize("event", [bounce(), spam_complaint()], ids=["bounced", "complained"])
def test_a_suppressed_reader_gets_no_confirmation_for_a_new_signup(
    client, reader, texts, energie, smtp_mails, django_capture_on_commit_callbacks, event
):
    post(client, event)
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts, READER)
        signup(texts, READER, weekly=False, tag=energie)
    assert state() == before
    # Someone else signs up afterwards: once their confirmation has arrived, one for the
    # suppressed reader, requested before, would have too.
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts, "andere@example.org")
    assert [mail.to for mail in smtp_mails.wait(1)] == ["andere@example.org"]
    assert len(smtp_mails.all()) == 1


# --- mail to the List-Unsubscribe mailto: address (the service's inbound webhook) -------------

INBOUND_URL = "/anymail/postmark/inbound/"
UNSUBSCRIBE_ADDRESS = "abmelden@depesche.invalid"


def inbound_mail(
    subject: str, text: str = "", *, to: str = UNSUBSCRIBE_ADDRESS, sender: str = READER
) -> dict[str, Any]:
    """A mail as Postmark's inbound webhook posts it (its documented JSON)."""
    return {
        "FromName": "Leserin",
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Leserin", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Fri, 1 Aug 2026 16:45:32 -04:00",
        "TextBody": text,
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": f"<{sender}>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
        ],
        "Attachments": [],
    }


@pytest.fixture
def mailto_subject(reader, smtp_mails, settings) -> str:
    """The subject the welcome mail's mailto: asks the reader's mail client to send."""
    settings.UNSUBSCRIBE_MAILTO = UNSUBSCRIBE_ADDRESS  # as with an email service and a secret
    assert tasks.welcome_mail_send_task.call(reader.pk) is True
    [welcome] = smtp_mails.to(READER)
    header = " ".join(str(welcome.message["List-Unsubscribe"]).split())
    mailto = re.search(r"<mailto:([^>]+)>", header).group(1)
    address, _, query = mailto.partition("?subject=")
    assert address == UNSUBSCRIBE_ADDRESS
    return unquote(query)


def post_inbound(client, mail: dict[str, Any], **headers: str):
    return client.post(
        INBOUND_URL,
        data=json.dumps(mail),
        content_type="application/json",
        headers=headers or auth(),
    )


@pytest.mark.parametrize("where", ["subject", "body"])
def test_mail_to_the_unsubscribe_address_ends_the_list_its_token_names(
    client, reader, mailto_subject, where
):
    mail = (
        inbound_mail(mailto_subject)
        if where == "subject"
        else inbound_mail("Abmelden", f"Bitte abmelden.\n\n{mailto_subject}\n")
    )

    assert post_inbound(client, mail).status_code == 200

    reader.refresh_from_db()
    assert not reader.subscriptions.get().active
    assert list(reader.follows.filter(active=True).values_list("tag__slug", flat=True)) == [
        "energie"
    ]
    last = ConsentRecord.objects.order_by("pk").last()
    assert (last.action, last.purpose, last.source) == ("withdrawal", "wochenrueckblick", "mailto")
    # The service delivers the mail again: nothing more is recorded.
    records = ConsentRecord.objects.count()
    assert post_inbound(client, mail).status_code == 200
    assert ConsentRecord.objects.count() == records


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda s: inbound_mail(s, to="redaktion@depesche.invalid"), id="other-address"
        ),
        pytest.param(lambda s: inbound_mail(s[:-3] + "xyz"), id="tampered-token"),
        pytest.param(lambda s: inbound_mail("Bitte abmelden"), id="no-token"),
        pytest.param(
            lambda s: inbound_mail("Re: Wochenrückblick", "http://testserver/abo/abmelden/x:y:z/"),
            id="a-link-is-no-request",
        ),
    ],
)
def test_other_inbound_mail_changes_nothing(client, reader, mailto_subject, change):
    before = state()
    assert post_inbound(client, change(mailto_subject)).status_code == 200
    assert state() == before


def test_inbound_mail_needs_the_webhook_secret(client, reader, mailto_subject):
    before = state()
    response = post_inbound(client, inbound_mail(mailto_subject), **auth("anymail-test:falsch"))
    assert response.status_code == 400
    assert state() == before


def test_without_an_inbound_path_no_mailto_is_offered_and_none_is_acted_on(
    client, reader, mailto_subject, smtp_mails, settings
):
    # Plain SMTP: settings.UNSUBSCRIBE_MAILTO is empty (config/settings/base.py).
    settings.UNSUBSCRIBE_MAILTO = ""
    before = state()
    assert post_inbound(client, inbound_mail(mailto_subject)).status_code == 200
    assert state() == before
    Subscription.objects.filter(subscriber=reader).update(welcomed_at=None)
    assert tasks.welcome_mail_send_task.call(reader.pk) is True
    header = str(smtp_mails.to(READER)[-1].message["List-Unsubscribe"])
    assert "mailto:" not in header and "/abo/abmelden/" in header
