from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from taggit.models import Tag

from depesche.audience.models import (
    ConsentRecord,
    LedgerIsAppendOnly,
    OptInRequest,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TagFollow,
    TextVersion,
)

pytestmark = pytest.mark.django_db

HASH = "f" * 64


@pytest.fixture
def record() -> ConsentRecord:
    subscriber = Subscriber.objects.create(email="leserin@example.org")
    consent = TextVersion.objects.create(kind="consent", sha256="a" * 64, text="Ja, ich möchte …")
    privacy = TextVersion.objects.create(kind="privacy", sha256="b" * 64, text="Datenschutz …")
    return ConsentRecord.objects.create(
        subscriber=subscriber,
        email=subscriber.email,
        action=ConsentRecord.Action.CONSENT,
        purpose="wochenrueckblick",
        consent_text=consent,
        privacy_text=privacy,
        source="modal",
        request_nonce="n" * 32,
        ip_truncated="203.0.113.0",
        user_agent="Mozilla/5.0",
    )


def test_saving_an_existing_record_is_refused(record):
    record.purpose = "alle"
    with pytest.raises(LedgerIsAppendOnly):
        record.save()
    record.refresh_from_db()
    assert record.purpose == "wochenrueckblick"


def test_saving_with_update_fields_is_refused(record):
    record.user_agent = ""
    with pytest.raises(LedgerIsAppendOnly):
        record.save(update_fields=["user_agent"])
    assert ConsentRecord.objects.get().user_agent == "Mozilla/5.0"


def test_queryset_update_is_refused(record):
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.filter(pk=record.pk).update(purpose="alle")
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.update(email="x@example.org")
    with pytest.raises(LedgerIsAppendOnly):
        record.subscriber.consents.update(source="x")
    assert ConsentRecord.objects.get().purpose == "wochenrueckblick"


def test_bulk_update_is_refused(record):
    record.purpose = "alle"
    # bulk_update runs in its own atomic block (savepoint=False), so give it one to break.
    with pytest.raises(LedgerIsAppendOnly), transaction.atomic():
        ConsentRecord.objects.bulk_update([record], ["purpose"])
    assert ConsentRecord.objects.get().purpose == "wochenrueckblick"


def test_update_or_create_of_an_existing_record_is_refused(record):
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.update_or_create(pk=record.pk, defaults={"purpose": "alle"})


def test_queryset_delete_is_refused(record):
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.all().delete()
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.filter(pk=record.pk).delete()
    assert ConsentRecord.objects.count() == 1


def test_instance_delete_is_refused(record):
    with pytest.raises(LedgerIsAppendOnly):
        record.delete()
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_appending_stays_possible(record):
    ConsentRecord.objects.create(
        email=record.email, action="withdrawal", purpose="alle", source="einstellungen"
    )
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(email=record.email, action="consent", purpose="thema:x", source="t")]
    )
    assert ConsentRecord.objects.count() == 3


def test_text_versions_behind_a_record_cannot_be_deleted(record):
    with pytest.raises(ProtectedError):
        record.consent_text.delete()
    assert TextVersion.objects.count() == 2


def test_erase_replaces_personal_fields_and_keeps_the_proof(record):
    before = ConsentRecord.objects.get()
    assert ConsentRecord.objects.filter(pk=record.pk).erase(email_hash=HASH) == 1
    after = ConsentRecord.objects.get()
    assert after.email == HASH
    assert after.subscriber_id is None
    assert after.ip_truncated == ""
    assert after.user_agent == ""
    assert after.erased_at is not None
    assert abs(after.erased_at - timezone.now()) < timedelta(minutes=1)
    for kept in (
        "action",
        "purpose",
        "consent_text_id",
        "privacy_text_id",
        "terms_text_id",
        "occurred_at",
        "source",
        "request_nonce",
    ):
        assert getattr(after, kept) == getattr(before, kept), kept


def test_erase_touches_only_the_filtered_rows(record):
    other = ConsentRecord.objects.create(
        email="anderer@example.org",
        action="consent",
        purpose="alle",
        source="modal",
        ip_truncated="198.51.100.0",
    )
    ConsentRecord.objects.filter(subscriber=record.subscriber).erase(email_hash=HASH)
    other = ConsentRecord.objects.get(pk=other.pk)
    assert other.email == "anderer@example.org"
    assert other.ip_truncated == "198.51.100.0"
    assert other.erased_at is None


def test_deleting_the_subscriber_keeps_the_record(record):
    record.subscriber.delete()
    kept = ConsentRecord.objects.get()
    assert kept.subscriber_id is None
    assert kept.email == "leserin@example.org"


def assert_unique(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_subscriber_per_address():
    Subscriber.objects.create(email="a@example.org")
    assert_unique(lambda: Subscriber.objects.create(email="a@example.org"))


def test_one_subscription_per_purpose():
    subscriber = Subscriber.objects.create(email="a@example.org")
    Subscription.objects.create(subscriber=subscriber, purpose="wochenrueckblick")
    assert_unique(
        lambda: Subscription.objects.create(subscriber=subscriber, purpose="wochenrueckblick")
    )
    other = Subscriber.objects.create(email="b@example.org")
    Subscription.objects.create(subscriber=other, purpose="wochenrueckblick")


def test_one_follow_per_tag():
    subscriber = Subscriber.objects.create(email="a@example.org")
    energie = Tag.objects.create(name="Energie", slug="energie")
    klima = Tag.objects.create(name="Klima", slug="klima")
    TagFollow.objects.create(subscriber=subscriber, tag=energie)
    TagFollow.objects.create(subscriber=subscriber, tag=klima)
    assert_unique(
        lambda: TagFollow.objects.create(subscriber=subscriber, tag=energie, frequency="taeglich")
    )


def test_one_text_version_per_kind_and_hash():
    TextVersion.objects.create(kind="consent", sha256="c" * 64, text="A")
    TextVersion.objects.create(kind="privacy", sha256="c" * 64, text="A")
    assert_unique(lambda: TextVersion.objects.create(kind="consent", sha256="c" * 64, text="B"))


def test_optin_nonce_and_suppressed_hash_are_unique():
    subscriber = Subscriber.objects.create(email="a@example.org")
    OptInRequest.objects.create(subscriber=subscriber, nonce="n" * 32, source="modal")
    assert_unique(
        lambda: OptInRequest.objects.create(subscriber=subscriber, nonce="n" * 32, source="x")
    )
    SuppressedAddress.objects.create(email_hash=HASH, reason="erasure")
    assert_unique(lambda: SuppressedAddress.objects.create(email_hash=HASH, reason="bounce"))


@pytest.mark.parametrize(
    ("status", "suppressed"),
    [
        ("pending", False),
        ("active", False),
        ("unsubscribed", False),
        ("bounced", True),
        ("complained", True),
        ("erased", True),
    ],
)
def test_is_suppressed(status, suppressed):
    assert Subscriber(email="a@example.org", status=status).is_suppressed is suppressed


def test_new_subscriber_is_pending_and_unconfirmed():
    subscriber = Subscriber.objects.create(email="a@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None
    assert str(subscriber) == "a@example.org"
