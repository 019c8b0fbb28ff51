"""wire/polling.py, the `wire poll` command and the periodic poll task, against a loopback
wireQ stand-in (tests/support/wireq.py)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from depesche.newsroom.models import ArticlePage
from depesche.wire import polling
from depesche.wire.models import Feed, WireReceipt
from depesche.wire.polling import poll_feed
from depesche.wire.tasks import wire_poll_task
from tests.support.wireq import WireQStandIn
from tests.wire.test_push import record


@pytest.fixture
def wireq() -> Iterator[WireQStandIn]:
    stand_in = WireQStandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture
def feed(db, wireq) -> Feed:
    return Feed.objects.create(name="dpa", slug="dpa", url=wireq.url)


def poll(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("wire", "poll", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_stored_entries_are_acknowledged_and_queued_for_the_worker(
    feed, wireq, site_tree, django_capture_on_commit_callbacks
):
    wireq.entries = [record("urn:a"), record("urn:b")]
    with django_capture_on_commit_callbacks(execute=True):
        out, err = poll("dpa")
    assert "2 records fetched, 2 stored, 0 duplicates, 2 acknowledged, 0 errors" in out
    assert err == ""
    assert wireq.acked_ids == ["urn:a", "urn:b"]
    assert wireq.entries == []
    receipts = WireReceipt.objects.order_by("record_id")
    # The queue's receipt is no part of the record.
    assert all("_wireq_receipt" not in r.payload for r in receipts)
    # The tasks ran (the test settings' immediate backend) once the receipts were committed.
    assert [r.state for r in receipts] == ["done", "done"]
    assert ArticlePage.objects.filter(source_guid__in=["urn:a", "urn:b"]).count() == 2
    feed.refresh_from_db()
    assert feed.last_polled_at is not None


def test_a_rejected_entry_is_not_acknowledged_and_the_command_fails(feed, wireq):
    wireq.entries = [record("urn:a"), {"headline": "ohne ID"}]
    with pytest.raises(CommandError, match="1 error"):
        poll("dpa")
    assert wireq.acked_ids == ["urn:a"]
    assert len(wireq.entries) == 1  # still queued for the agency's support to see
    assert list(WireReceipt.objects.values_list("record_id", flat=True)) == ["urn:a"]


def test_the_rejected_entry_is_named_by_position_and_reason(feed, wireq):
    wireq.entries = [record("urn:a"), {"headline": "ohne ID"}]
    result = poll_feed(feed=feed, dispatch=lambda ids: None)
    assert result.errors == [
        "entry 2: no record id (urn, guid or uri) (left in the queue, not acknowledged)"
    ]
    assert (result.fetched, result.stored, result.acknowledged) == (2, 1, 1)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_server_error_acknowledges_nothing_and_exits_non_zero(feed, wireq, status):
    wireq.entries = [record("urn:a")]
    wireq.fail_status = status
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("wire", "poll", "dpa", stdout=io.StringIO(), stderr=err)
    assert f"answered HTTP {status}" in err.getvalue()
    assert wireq.deleted == []
    assert not WireReceipt.objects.exists()
    feed.refresh_from_db()
    assert feed.last_polled_at is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [(b"<html>", "no valid JSON"), (b'{"items": []}', 'without an "entries" list')],
)
def test_an_answer_that_is_no_entries_json_acknowledges_nothing(feed, wireq, answer, message):
    wireq.raw_answer = answer
    result = poll_feed(feed=feed, dispatch=lambda ids: None)
    assert len(result.errors) == 1
    assert message in result.errors[0]
    assert wireq.deleted == []


def test_a_refused_connection_is_a_clear_error(feed):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    Feed.objects.filter(pk=feed.pk).update(url=f"http://127.0.0.1:{port}/q/geheim")
    feed.refresh_from_db()
    result = poll_feed(feed=feed, dispatch=lambda ids: None)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"cannot fetch from http://127.0.0.1:{port}:")
    # The queue URL's path (its access key) stays out of messages and logs.
    assert "geheim" not in result.errors[0]


def test_nothing_is_acknowledged_when_storing_fails(feed, wireq, monkeypatch):
    def failing_store(**kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(polling, "receipts_store", failing_store)
    wireq.entries = [record("urn:a")]
    with pytest.raises(DatabaseError):
        poll_feed(feed=feed, dispatch=lambda ids: None)
    assert wireq.deleted == []


def test_an_entry_delivered_again_is_a_duplicate_acknowledged_again(feed, wireq):
    wireq.entries = [record("urn:a")]
    first = poll_feed(feed=feed, dispatch=lambda ids: None)
    # The queue hands it out again (e.g. the first acknowledgement came too late).
    wireq.entries = [record("urn:a")]
    dispatched: list[int] = []
    second = poll_feed(feed=feed, dispatch=dispatched.extend)
    assert (first.stored, second.stored, second.duplicates) == (1, 0, 1)
    assert second.acknowledged == 1
    assert dispatched == []
    assert WireReceipt.objects.count() == 1


def test_an_expired_receipt_is_an_error_but_the_record_is_kept(feed, wireq, monkeypatch):
    wireq.entries = [record("urn:a")]
    monkeypatch.setattr(wireq, "expired", _Everything())
    result = poll_feed(feed=feed, dispatch=lambda ids: None)
    assert result.errors == ["entry 1: acknowledgement answered HTTP 410"]
    assert result.acknowledged == 0
    assert WireReceipt.objects.filter(record_id="urn:a").exists()


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


def test_process_imports_inline(feed, wireq, site_tree):
    wireq.entries = [record("urn:a"), record("urn:b", section="Gibt es nicht")]
    out, _ = poll("dpa", "--process")
    assert "2 acknowledged, 0 errors" in out
    assert "processed: 1 done, 1 failed" in out
    assert ArticlePage.objects.filter(source_guid="urn:a").exists()
    assert WireReceipt.objects.get(record_id="urn:b").state == WireReceipt.State.FAILED


@pytest.mark.parametrize(
    ("slug", "change", "message"),
    [
        ("afp", {}, "no feed 'afp'"),
        ("dpa", {"active": False}, "not active"),
        ("dpa", {"url": ""}, "no URL"),
    ],
)
def test_the_command_refuses_feeds_it_cannot_poll(feed, wireq, slug, change, message):
    Feed.objects.filter(pk=feed.pk).update(**change)
    with pytest.raises(CommandError, match=message):
        poll(slug)
    assert wireq.fetches == 0


def test_the_periodic_task_polls_every_active_feed_with_a_url(
    feed, wireq, site_tree, django_capture_on_commit_callbacks
):
    other = WireQStandIn()
    try:
        Feed.objects.create(name="aus", slug="aus", url=other.url, active=False)
        Feed.objects.create(name="push", slug="push", secret="x")
        wireq.entries = [record("urn:a")]
        other.entries = [record("urn:b")]
        with django_capture_on_commit_callbacks(execute=True):
            wire_poll_task.enqueue()
        assert wireq.acked_ids == ["urn:a"]
        assert other.fetches == 0
    finally:
        other.close()
    assert WireReceipt.objects.get().state == WireReceipt.State.DONE
