"""Agency copy and the reader channels: an embargoed record alerts nobody before its time, a
withdrawal takes back the alerts not yet sent (through the same page signals as an editor's
publish and unpublish)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from depesche.alerts.models import Delivery
from depesche.wire.importing import import_files
from tests.factories import follower


def record(path: Path, **fields: Any) -> Path:
    data = {
        "urn": "urn:newsml:dpa.com:20090101:261203-99-000042",
        "format": "digitalwires@0.9.1",
        "type": "composite",
        "version": 1,
        "pubstatus": "usable",
        "headline": "Strompreise sinken zum Jahreswechsel",
        "teaser": "Versorger senken die Tarife.",
        "article_html": "<section class='main'><p>Berlin (dpa) - Die Preise sinken.</p></section>",
        "categories": [{"type": "dnltype:keyword", "name": "Energie"}],
        **fields,
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def statuses() -> dict[str, str]:
    return {d.subscriber.email: d.status for d in Delivery.objects.select_related("subscriber")}


def test_an_embargoed_record_alerts_only_when_it_goes_live(
    site_tree, tmp_path, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie")
    until = timezone.now() + timedelta(hours=1)
    path = record(tmp_path / "a.json", embargoed=until.isoformat())

    with django_capture_on_commit_callbacks(execute=True):
        report = import_files([path], section=site_tree.sections["Wirtschaft"])

    assert report.errors == [] and statuses() == {}
    later = freeze_time(until + timedelta(minutes=1))
    with later, django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    assert list(statuses()) == ["a@example.org"]


def test_a_withdrawal_cancels_the_alerts_not_yet_sent(
    site_tree, tmp_path, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie")
    path = record(tmp_path / "a.json")
    with django_capture_on_commit_callbacks(execute=True):
        import_files([path], section=site_tree.sections["Wirtschaft"])
    assert statuses() == {"a@example.org": "pending"}

    with django_capture_on_commit_callbacks(execute=True):
        report = import_files([record(path, version=2, pubstatus="canceled")])

    assert report.skipped == [f"{path} record 1: withdrawn by the agency, unpublished"]
    assert statuses() == {"a@example.org": "cancelled"}
