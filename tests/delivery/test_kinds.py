"""The engine knows no product: feature apps register their kinds of mail, and the workers,
the stale-claim release and a reader's suppression cover exactly the registered kinds."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

import depesche.delivery
from depesche.alerts.kinds import ALERTS
from depesche.alerts.models import Delivery
from depesche.audience.models import Subscriber
from depesche.delivery import kinds
from depesche.delivery.kinds import MailKind, registered
from depesche.delivery.outbox import release_stale_claims
from depesche.delivery.sending import send_due, work_once
from depesche.delivery.services import deliveries_cancel_for_subscriber
from depesche.digest.mailing import DIGEST_MAILS
from depesche.digest.models import Digest, DigestMail
from tests.factories import follower, publish_article

# Every app above delivery in the layers (README, "Architecture").
FEATURES = (
    "alerts",
    "digest",
    "podcast",
    "audio",
    "ads",
    "distribution",
    "api",
    "sitesearch",
    "demo",
    "bench",
    "site",
)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at module level or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_delivery_imports_no_feature_app_anywhere():
    root = Path(depesche.delivery.__file__).parent
    found = {
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[:2] in (["depesche", app] for app in FEATURES)
    }
    assert found == set()


def test_alerts_and_the_wochenrueckblick_register_their_kinds_in_app_order():
    assert registered() == [ALERTS, DIGEST_MAILS]


def publish_with_one_reader(site_tree, capture) -> Subscriber:
    reader = follower("a@example.org", "Energie")
    with capture(execute=True):
        publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"], title="Strom")
    return reader


def test_the_workers_send_only_what_is_registered(
    site_tree, smtp, django_capture_on_commit_callbacks, monkeypatch
):
    server = smtp()
    publish_with_one_reader(site_tree, django_capture_on_commit_callbacks)
    monkeypatch.setattr(kinds, "_KINDS", {})
    assert work_once() == 0
    assert Delivery.objects.get().status == "pending"
    # A kind the engine never heard of, over the same rows: it decides what is sent (nothing
    # any more, here: the rows are cancelled).
    kinds.register(
        MailKind(name="withdrawn", model=Delivery, key="article", prepare=lambda _: None)
    )
    assert send_due() == 0
    assert Delivery.objects.get().status == "cancelled"
    assert server.accepted == []


def test_a_stale_claim_of_any_registered_kind_goes_back_to_the_queue(
    site_tree, django_capture_on_commit_callbacks, monkeypatch
):
    publish_with_one_reader(site_tree, django_capture_on_commit_callbacks)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.update(status="sending", claimed_at=long_ago)
    monkeypatch.setattr(kinds, "_KINDS", {})
    assert release_stale_claims() == 0  # not registered: not the engine's
    monkeypatch.undo()
    assert release_stale_claims() == 1
    assert Delivery.objects.get().status == "pending"


def test_a_suppressed_reader_gets_nothing_queued_of_any_kind(
    site_tree, django_capture_on_commit_callbacks
):
    reader = publish_with_one_reader(site_tree, django_capture_on_commit_callbacks)
    now = timezone.now()
    digest = Digest.objects.create(
        week="2026-W47", period_start=now - timedelta(days=7), period_end=now
    )
    DigestMail.objects.create(digest=digest, subscriber=reader)
    DigestMail.objects.create(
        digest=Digest.objects.create(
            week="2026-W46", period_start=now - timedelta(days=14), period_end=now
        ),
        subscriber=reader,
        status="sent",
    )
    assert deliveries_cancel_for_subscriber(subscriber_id=reader.pk) == 2
    assert list(Delivery.objects.values_list("status", flat=True)) == ["cancelled"]
    assert sorted(DigestMail.objects.values_list("status", flat=True)) == ["cancelled", "sent"]


@pytest.mark.parametrize("name", ["alerts", "digest"])
def test_each_kind_names_a_concrete_outbox_with_readers(name):
    [kind] = [kind for kind in registered() if kind.name == name]
    fields = {field.name for field in kind.model._meta.get_fields()}
    assert {"subscriber", kind.key, "status", "next_attempt_at"} <= fields
