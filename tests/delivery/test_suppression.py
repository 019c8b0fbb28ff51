"""The one suppression path (delivery/suppression.py): every transition of a reader's status and
of the address's suppression entry, from our own bounces and from the email service's events."""

from __future__ import annotations

import pytest
from django.utils import timezone
from taggit.models import Tag

from depesche.alerts.models import Delivery
from depesche.audience.erasure import subscriber_erase
from depesche.audience.ledger import address_hash
from depesche.audience.models import (
    STATUS_RANK,
    ConsentRecord,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TagFollow,
)
from depesche.audience.signup import preference_link_request
from depesche.delivery.outbox import Outcome, record
from depesche.delivery.suppression import address_suppress
from tests.factories import publish_article

EMAIL = "leserin@example.org"
PENDING, ACTIVE, UNSUBSCRIBED = "pending", "active", "unsubscribed"
BOUNCED, COMPLAINED, ERASED = "bounced", "complained", "erased"


@pytest.fixture
def article(site_tree):
    """An article to queue mail for (untagged: its publication queues nothing itself)."""
    return publish_article(site_tree.sections["Politik"], title="Strom wird billiger")


def reader(status: str, article) -> Subscriber:
    """A reader in `status` who gets the Wochenrückblick, follows "Energie" and has an alert
    waiting; a suppressed one has the entry the suppression path gave them."""
    subscriber = Subscriber.objects.create(email=EMAIL, status=status)
    Subscription.objects.create(
        subscriber=subscriber,
        purpose=Subscription.Purpose.WEEKLY,
        active=True,
        confirmed_at=timezone.now(),
    )
    energie, _ = Tag.objects.get_or_create(name="Energie", slug="energie")
    TagFollow.objects.create(subscriber=subscriber, tag=energie, active=True)
    Delivery.objects.create(
        subscriber=subscriber, article=article, kind="sofort", matched_tags="Energie"
    )
    if status in {BOUNCED, COMPLAINED}:
        SuppressedAddress.objects.create(email_hash=address_hash(EMAIL), reason=status)
    return subscriber


def entries() -> list[tuple[str, str]]:
    return list(SuppressedAddress.objects.values_list("email_hash", "reason"))


def withdrawals() -> list[str]:
    return list(
        ConsentRecord.objects.filter(action=ConsentRecord.Action.WITHDRAWAL).values_list(
            "purpose", flat=True
        )
    )


# From each status, each event: the status after it, the address's entry (None: no entry), and
# whether the lists ended with a withdrawal "alle" in the ledger.
TRANSITIONS = [
    # A bounce suppresses, keeps the lists (the reader withdrew nothing), outranks less.
    (PENDING, BOUNCED, BOUNCED, BOUNCED, False),
    (ACTIVE, BOUNCED, BOUNCED, BOUNCED, False),
    (UNSUBSCRIBED, BOUNCED, BOUNCED, BOUNCED, False),
    (BOUNCED, BOUNCED, BOUNCED, BOUNCED, False),
    (COMPLAINED, BOUNCED, COMPLAINED, COMPLAINED, False),  # never back down to a bounce
    # A complaint withdraws everything and wins over everything but an erasure.
    (PENDING, COMPLAINED, COMPLAINED, COMPLAINED, True),
    (ACTIVE, COMPLAINED, COMPLAINED, COMPLAINED, True),
    (UNSUBSCRIBED, COMPLAINED, COMPLAINED, COMPLAINED, True),
    (BOUNCED, COMPLAINED, COMPLAINED, COMPLAINED, True),  # a complaint after a bounce wins
    (COMPLAINED, COMPLAINED, COMPLAINED, COMPLAINED, False),  # recorded once
    # An unsubscribe ends the lists; it suppresses nothing and lowers nothing.
    (PENDING, UNSUBSCRIBED, UNSUBSCRIBED, None, True),
    (ACTIVE, UNSUBSCRIBED, UNSUBSCRIBED, None, True),
    (UNSUBSCRIBED, UNSUBSCRIBED, UNSUBSCRIBED, None, True),  # its lists were still on
    (BOUNCED, UNSUBSCRIBED, BOUNCED, BOUNCED, True),
    (COMPLAINED, UNSUBSCRIBED, COMPLAINED, COMPLAINED, True),
]


@pytest.mark.parametrize(
    ("before", "event", "status", "entry", "withdrawn"),
    [pytest.param(*row, id=f"{row[0]}+{row[1]}") for row in TRANSITIONS],
)
@pytest.mark.parametrize("by", ["id", "email"])
def test_each_event_from_each_status(article, before, event, status, entry, withdrawn, by):
    subscriber = reader(before, article)
    named = {"subscriber_id": subscriber.pk} if by == "id" else {"email": EMAIL.upper()}

    assert address_suppress(reason=event, **named) is True

    subscriber.refresh_from_db()
    assert subscriber.status == status
    assert entries() == ([(address_hash(EMAIL), entry)] if entry else [])
    assert withdrawals() == (["alle"] if withdrawn else [])
    if withdrawn:
        assert subscriber.consents.get().source == "webhook"
        assert not subscriber.subscriptions.filter(active=True).exists()
        assert not subscriber.follows.exists()
    else:
        assert subscriber.subscriptions.filter(active=True).count() == 1
        assert subscriber.follows.count() == 1
    # Whatever the event, nothing queued for the reader goes out any more.
    assert list(Delivery.objects.values_list("status", flat=True)) == ["cancelled"]

    # The service reports the same event again: nothing more is written.
    assert address_suppress(reason=event, **named) is True
    subscriber.refresh_from_db()
    assert (subscriber.status, entries(), withdrawals()) == (
        status,
        [(address_hash(EMAIL), entry)] if entry else [],
        ["alle"] if withdrawn else [],
    )


def test_the_table_covers_every_status_but_erased_and_every_event():
    """Erased readers have no row left (see the erasure tests below)."""
    covered = {(before, event) for before, event, *_ in TRANSITIONS}
    statuses = set(STATUS_RANK) - {ERASED}
    assert covered == {(s, e) for s in statuses for e in (BOUNCED, COMPLAINED, UNSUBSCRIBED)}


def test_the_precedence_is_erased_complained_bounced_unsubscribed_then_the_rest():
    ranks = [STATUS_RANK[s] for s in (ERASED, COMPLAINED, BOUNCED, UNSUBSCRIBED, ACTIVE)]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == 5
    assert STATUS_RANK[PENDING] == STATUS_RANK[ACTIVE]


@pytest.mark.parametrize("event", [BOUNCED, COMPLAINED, UNSUBSCRIBED])
def test_after_erasure_a_late_event_changes_nothing_and_recreates_no_row(article, event):
    subscriber = reader(BOUNCED, article)
    subscriber_id = subscriber.pk
    subscriber_erase(subscriber=subscriber)
    assert entries() == [(address_hash(EMAIL), ERASED)]  # the bounce entry raised, not doubled
    ledger_before = list(ConsentRecord.objects.values_list("pk", "email", "action"))

    assert address_suppress(reason=event, email=EMAIL) is False
    assert address_suppress(reason=event, subscriber_id=subscriber_id) is False

    assert not Subscriber.objects.exists()
    assert entries() == [(address_hash(EMAIL), ERASED)]
    assert list(ConsentRecord.objects.values_list("pk", "email", "action")) == ledger_before
    assert not Delivery.objects.exists()


def test_a_complaint_after_a_bounce_wins_and_a_bounce_after_it_leaves_it(article):
    subscriber = reader(ACTIVE, article)
    address_suppress(reason=BOUNCED, subscriber_id=subscriber.pk)
    address_suppress(reason=COMPLAINED, email=EMAIL)
    address_suppress(reason=BOUNCED, subscriber_id=subscriber.pk)
    subscriber.refresh_from_db()
    assert subscriber.status == COMPLAINED
    assert entries() == [(address_hash(EMAIL), COMPLAINED)]
    assert withdrawals() == ["alle"]


def test_a_bounce_from_our_own_send_never_overwrites_a_complaint(article):
    """The outbox recorded bounces by setting "bounced" unconditionally before."""
    subscriber = reader(COMPLAINED, article)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING)

    record(Outcome(bounced=[([delivery.pk], subscriber.pk, "550 5.1.1 unknown user")]), Delivery)

    subscriber.refresh_from_db()
    assert subscriber.status == COMPLAINED
    assert entries() == [(address_hash(EMAIL), COMPLAINED)]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("bounced", "550 5.1.1 unknown user")


def test_a_bounce_from_our_own_send_suppresses_the_address(site_tree, article, caplog):
    subscriber = reader(ACTIVE, article)
    other = Delivery.objects.get()
    second = publish_article(site_tree.sections["Politik"], title="Noch ein Artikel")
    bounced = Delivery.objects.create(
        subscriber=subscriber, article=second, kind="sofort", status="sending"
    )
    with caplog.at_level("INFO", logger="depesche.delivery.suppression"):
        record(
            Outcome(bounced=[([bounced.pk], subscriber.pk, "550 <leserin@example.org> gone")]),
            Delivery,
        )
    subscriber.refresh_from_db()
    assert subscriber.status == BOUNCED
    assert entries() == [(address_hash(EMAIL), BOUNCED)]
    other.refresh_from_db()
    assert other.status == "cancelled"
    assert EMAIL not in caplog.text and f"reader {subscriber.pk}: bounced" in caplog.text


def test_a_suppressed_reader_may_still_ask_for_a_preference_link(
    article, django_capture_on_commit_callbacks
):
    """The bounce's entry stops mail to the lists, not the reader's own way to their data."""
    reader(ACTIVE, article)
    address_suppress(reason=BOUNCED, email=EMAIL)
    with django_capture_on_commit_callbacks() as callbacks:
        preference_link_request(email=EMAIL)
    assert len(callbacks) == 1


def test_unknown_addresses_and_wrong_calls(article):
    assert address_suppress(reason=BOUNCED, email="fremd@example.org") is False
    assert address_suppress(reason=COMPLAINED, subscriber_id=987654) is False
    assert entries() == []
    with pytest.raises(ValueError, match="opened"):
        address_suppress(reason="opened", email=EMAIL)
    with pytest.raises(ValueError, match="exactly one"):
        address_suppress(reason=BOUNCED)
    subscriber = reader(ACTIVE, article)
    with pytest.raises(ValueError, match="exactly one"):
        address_suppress(reason=BOUNCED, email=EMAIL, subscriber_id=subscriber.pk)
    with pytest.raises(ValueError, match="erased"):
        # Erasure is the reader's own right (audience.erasure), never an event's.
        address_suppress(reason=ERASED, email=EMAIL)
    subscriber.refresh_from_db()
    assert subscriber.status == ACTIVE
