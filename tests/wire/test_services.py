"""wire/services.py and wire/tasks.py: storing receipts, processing them once, stale ones."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from depesche.newsroom.models import ArticlePage
from depesche.wire import services
from depesche.wire.importing import ImportResult, Outcome, record_import
from depesche.wire.models import Feed, WireReceipt
from depesche.wire.services import (
    STALE_AFTER,
    receipt_process,
    receipts_requeue_stale,
    receipts_store,
)
from depesche.wire.tasks import wire_poll_task, wire_receipt_process_task
from tests.wire.test_push import record


@pytest.fixture
def feed(db) -> Feed:
    return Feed.objects.create(name="dpa", slug="dpa", secret="x")


def stored(feed: Feed, *records) -> list[WireReceipt]:
    result = receipts_store(feed=feed, records=list(records))
    return list(WireReceipt.objects.filter(pk__in=result.stored_ids).order_by("pk"))


@pytest.fixture
def counted_imports(monkeypatch) -> list[str]:
    calls: list[str] = []

    def counting_import(**kwargs):
        calls.append(kwargs["raw"]["guid"])
        return record_import(**kwargs)

    monkeypatch.setattr(services, "record_import", counting_import)
    return calls


def test_store_counts_duplicates_inside_one_delivery_and_keeps_positions(feed):
    result = receipts_store(
        feed=feed, records=[record("urn:a"), {"uri": ""}, record("urn:a"), record("urn:b")]
    )
    assert result.accepted == 2
    assert result.duplicates == 1
    assert [(r.position, r.reason) for r in result.rejected] == [
        (2, "no record id (urn, guid or uri)")
    ]
    assert result.kept_positions == [1, 3, 4]


def test_the_same_record_for_another_feed_is_its_own_receipt(feed):
    other = Feed.objects.create(name="AFP", slug="afp")
    receipts_store(feed=feed, records=[record()])
    assert receipts_store(feed=other, records=[record()]).accepted == 1


def test_running_the_task_twice_imports_once(feed, site_tree, counted_imports):
    (receipt,) = stored(feed, record())
    wire_receipt_process_task.enqueue(receipt_id=receipt.pk)
    wire_receipt_process_task.enqueue(receipt_id=receipt.pk)
    assert counted_imports == ["urn:test:push:1"]
    receipt.refresh_from_db()
    assert receipt.state == WireReceipt.State.DONE
    assert ArticlePage.objects.filter(source_guid="urn:test:push:1").count() == 1


def test_a_receipt_another_worker_claimed_is_left_to_it(feed, site_tree, counted_imports):
    (receipt,) = stored(feed, record())
    WireReceipt.objects.filter(pk=receipt.pk).update(
        state=WireReceipt.State.PROCESSING, claimed_at=timezone.now()
    )
    assert receipt_process(receipt_id=receipt.pk) is None
    assert counted_imports == []


def test_a_bad_record_is_stored_as_failed_with_the_reason(feed, site_tree):
    (receipt,) = stored(feed, record(section="Gibt es nicht"))
    assert receipt_process(receipt_id=receipt.pk) == "failed"
    receipt.refresh_from_db()
    assert receipt.state == WireReceipt.State.FAILED
    assert "unknown section" in receipt.message
    assert receipt.processed_at is not None


def test_a_skipped_record_is_stored_as_skipped(feed, monkeypatch):
    monkeypatch.setattr(
        services, "record_import", lambda **kw: ImportResult(Outcome.SKIPPED, message="Termin")
    )
    (receipt,) = stored(feed, record())
    assert receipt_process(receipt_id=receipt.pk) == "skipped"
    receipt.refresh_from_db()
    assert (receipt.state, receipt.message) == ("skipped", "Termin")


def test_an_unexpected_error_is_logged_and_stored_as_failed(feed, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(services, "record_import", broken)
    (receipt,) = stored(feed, record())
    with caplog.at_level(logging.ERROR, logger="depesche.wire.services"):
        assert receipt_process(receipt_id=receipt.pk) == "failed"
    receipt.refresh_from_db()
    assert receipt.message == "internal error: RuntimeError: kaputt"
    assert "could not be processed" in caplog.text


def test_a_crashed_claim_is_queued_again_after_the_stale_time(feed, site_tree):
    crashed, fresh, lost = stored(feed, record("urn:a"), record("urn:b"), record("urn:c"))
    now = timezone.now()
    long_ago = now - STALE_AFTER - timedelta(seconds=1)
    WireReceipt.objects.filter(pk=crashed.pk).update(state="processing", claimed_at=long_ago)
    WireReceipt.objects.filter(pk=fresh.pk).update(state="processing", claimed_at=now)
    WireReceipt.objects.filter(pk=lost.pk).update(received_at=long_ago)
    assert sorted(receipts_requeue_stale(now=now)) == sorted([crashed.pk, lost.pk])
    crashed.refresh_from_db()
    assert crashed.state == WireReceipt.State.QUEUED
    # Its clock restarted: the next periodic run does not queue it again at once.
    assert receipts_requeue_stale(now=now + timedelta(seconds=60)) == []
    assert receipt_process(receipt_id=crashed.pk) == "done"


def test_a_finished_receipt_is_never_stale(feed):
    (receipt,) = stored(feed, record())
    WireReceipt.objects.filter(pk=receipt.pk).update(
        state="done", received_at=timezone.now() - STALE_AFTER * 3
    )
    assert receipts_requeue_stale() == []


def test_the_periodic_task_processes_stale_receipts(
    feed, site_tree, django_capture_on_commit_callbacks
):
    (receipt,) = stored(feed, record())
    WireReceipt.objects.filter(pk=receipt.pk).update(
        state="processing", claimed_at=timezone.now() - STALE_AFTER * 2
    )
    with django_capture_on_commit_callbacks(execute=True):
        wire_poll_task.enqueue()
    receipt.refresh_from_db()
    assert receipt.state == WireReceipt.State.DONE
    assert ArticlePage.objects.filter(source_guid="urn:test:push:1").exists()
