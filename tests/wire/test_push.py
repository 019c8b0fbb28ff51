"""wire/views.py: push delivery at POST /wire/<feed>/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from depesche.newsroom.models import ArticlePage
from depesche.wire import services
from depesche.wire.importing import record_import
from depesche.wire.models import Feed, WireReceipt

SECRET = "s3cret-token"


def record(guid: str = "urn:test:push:1", **fields: Any) -> dict[str, Any]:
    """A record the interim importer takes (the legacy ninjs dialect, see tests/wire/
    test_importing.py)."""
    return {
        "guid": guid,
        "headline": f"Meldung {guid}",
        "description_text": "Ein Vorspann.",
        "section": "Politik",
        "body_html": "<p>Ein Absatz.</p>",
        "versioncreated": "2026-11-18T21:05:00+01:00",
        **fields,
    }


@pytest.fixture
def feed(db) -> Feed:
    # Auto-publish: the article goes live, not into the desk as a draft.
    return Feed.objects.create(name="dpa", slug="dpa", secret=SECRET, auto_publish=True)


def push(client: Client, body: Any, *, slug: str = "dpa", token: str | None = SECRET, **kw):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(
        f"/wire/{slug}/",
        data=data,
        content_type=kw.pop("content_type", "application/json"),
        headers=headers,
        **kw,
    )


@pytest.mark.parametrize("token", [None, "wrong", SECRET + "x", ""])
def test_a_missing_or_wrong_token_is_401_with_the_bearer_challenge(client, feed, token):
    response = push(client, record(), token=token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not WireReceipt.objects.exists()


def test_another_scheme_than_bearer_is_401(client, feed):
    response = client.post(
        "/wire/dpa/",
        data=json.dumps(record()),
        content_type="application/json",
        headers={"Authorization": f"Basic {SECRET}"},
    )
    assert response.status_code == 401


@pytest.mark.parametrize("change", [{"slug": "afp"}, {"active": False}, {"secret": ""}], ids=str)
def test_unknown_inactive_or_secretless_feeds_are_404_alike(client, feed, change):
    Feed.objects.filter(pk=feed.pk).update(**change)
    response = push(client, record())
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}
    assert not WireReceipt.objects.exists()


def test_get_is_405(client, feed):
    response = client.get("/wire/dpa/", headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_body_over_the_limit_is_413(client, feed, settings):
    settings.WIRE_PUSH_MAX_BYTES = 200
    response = push(client, [record(), record("urn:test:push:2")])
    assert response.status_code == 413
    assert not WireReceipt.objects.exists()


def test_the_limit_is_ours_not_djangos_upload_limit(client, feed, settings):
    # request.body would refuse this (DATA_UPLOAD_MAX_MEMORY_SIZE) although we allow it.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = push(client, record())
    assert response.status_code == 202, response.content


def test_bad_json_is_400_naming_line_and_column(client, feed):
    response = push(client, b'[\n  {"guid": "urn:x",}\n]')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("invalid JSON")
    assert "line 2, column 20" in error
    assert not WireReceipt.objects.exists()


def test_a_body_neither_record_nor_list_is_400(client, feed):
    response = push(client, "42")
    assert response.status_code == 400
    assert "expected a record" in response.json()["error"]


def test_another_content_type_is_415(client, feed):
    response = push(client, json.dumps(record()), content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.parametrize(
    "shape",
    [
        lambda records: records,
        lambda records: {"entries": records},
    ],
    ids=["list", "entries"],
)
def test_records_are_stored_and_answered_202_with_counts(client, feed, shape):
    records = [record("urn:test:push:1"), record("urn:test:push:2")]
    response = push(client, shape(records))
    assert response.status_code == 202
    assert response.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    stored = WireReceipt.objects.order_by("record_id")
    assert [(r.record_id, r.version, r.state) for r in stored] == [
        ("urn:test:push:1", "2026-11-18T21:05:00+01:00", "queued"),
        ("urn:test:push:2", "2026-11-18T21:05:00+01:00", "queued"),
    ]
    assert stored[0].payload == records[0]
    assert stored[0].feed == feed


def test_one_record_alone_is_accepted(client, feed):
    response = push(client, record())
    assert response.status_code == 202
    assert response.json()["accepted"] == 1


def test_the_same_record_version_again_is_a_duplicate_stored_once(client, feed):
    assert push(client, [record()]).json()["accepted"] == 1
    again = push(client, [record(), record()])
    assert again.status_code == 202
    assert again.json() == {"accepted": 0, "duplicates": 2, "rejected": []}
    assert WireReceipt.objects.count() == 1


def test_a_new_version_of_the_record_is_stored(client, feed):
    push(client, record(version=1))
    response = push(client, record(version=2))
    assert response.json()["accepted"] == 1
    assert sorted(WireReceipt.objects.values_list("version", flat=True)) == ["1", "2"]


def test_records_without_id_are_rejected_by_position_and_the_others_kept(client, feed):
    body = [record("urn:test:push:1"), {"headline": "ohne ID"}, "kein Objekt"]
    response = push(client, body)
    assert response.status_code == 202
    assert response.json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": [
            {"position": 2, "reason": "no record id (urn, guid or uri)"},
            {"position": 3, "reason": "not a JSON object"},
        ],
    }
    assert list(WireReceipt.objects.values_list("record_id", flat=True)) == ["urn:test:push:1"]


def test_text_the_database_cannot_store_is_rejected_not_a_500(client, feed):
    # Valid JSON that PostgreSQL's jsonb refuses: the record is rejected by position.
    body = (
        '[{"urn": "urn:test:push:s", "headline": "kaputt \\ud800"}, '
        + json.dumps(record("urn:test:push:ok"))
        + "]"
    )
    response = push(client, body)
    assert response.status_code == 202
    assert response.json()["rejected"] == [
        {"position": 1, "reason": "an unpaired surrogate (\\ud800) in headline"}
    ]
    assert list(WireReceipt.objects.values_list("record_id", flat=True)) == ["urn:test:push:ok"]


def test_nothing_accepted_and_something_rejected_is_400_with_the_same_body(client, feed):
    response = push(client, [{"headline": "ohne ID"}])
    assert response.status_code == 400
    assert response.json() == {
        "accepted": 0,
        "duplicates": 0,
        "rejected": [{"position": 1, "reason": "no record id (urn, guid or uri)"}],
    }


def test_the_worker_imports_a_pushed_record_after_the_commit(
    client, feed, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = push(client, record())
    assert response.status_code == 202
    receipt = WireReceipt.objects.get()
    # Nothing runs before the commit: the worker must find the row.
    assert receipt.state == WireReceipt.State.QUEUED
    assert not ArticlePage.objects.exists()
    for callback in callbacks:
        callback()
    receipt.refresh_from_db()
    assert receipt.state == WireReceipt.State.DONE, receipt.message
    assert receipt.processed_at is not None
    article = ArticlePage.objects.get(source_guid="urn:test:push:1")
    assert article.live
    assert str(article.pk) in receipt.message


def test_a_duplicate_push_is_not_processed_again(
    client, feed, site_tree, django_capture_on_commit_callbacks, monkeypatch
):
    imported = []

    def counting_import(**kwargs):
        imported.append(kwargs["raw"]["guid"])
        return record_import(**kwargs)

    monkeypatch.setattr(services, "record_import", counting_import)
    with django_capture_on_commit_callbacks(execute=True):
        push(client, record())
    with django_capture_on_commit_callbacks(execute=True):
        push(client, record())
    assert imported == ["urn:test:push:1"]
    assert ArticlePage.objects.count() == 1


def test_dpa_example_records_are_stored_under_their_urn_and_version(client, feed):
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "wire" / "digitalwires"
    records = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]
    response = push(client, {"entries": records})
    assert response.status_code == 202
    assert response.json() == {"accepted": len(records), "duplicates": 0, "rejected": []}
    assert set(WireReceipt.objects.values_list("record_id", "version")) == {
        (r["urn"], str(r["version"])) for r in records
    }
