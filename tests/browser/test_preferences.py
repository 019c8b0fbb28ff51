"""The preference center: change how often a tag's mails come, download the reader's data."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import dialog_already_seen, shoot
from tests.factories import follower

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_reader_changes_a_frequency_and_downloads_her_data(page, site_tree):
    from depesche.audience.emails import preference_url
    from depesche.audience.models import TagFollow

    dialog_already_seen(page)
    reader = follower("leserin@example.org", "Energie", "Haushalt")

    # The signed link every mail carries recognises the reader on this browser.
    page.goto(preference_url(reader))
    expect(page).to_have_url(re.compile(r"/abo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre E-Mail-Einstellungen")
    expect(page.get_by_text("Angemeldet als leserin@example.org.")).to_be_visible()
    shoot(page, "preferences", full_page=True)

    energie = page.locator(".follow-list li", has_text="Energie")
    frequency = energie.get_by_label("Häufigkeit für Energie")
    expect(frequency).to_have_value("sofort")
    assert frequency.locator("option").all_inner_texts() == ["sofort", "täglich", "wöchentlich"]
    frequency.select_option(label="täglich")
    energie.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Häufigkeit gespeichert.")).to_be_visible()
    expect(page.get_by_label("Häufigkeit für Energie")).to_have_value("taeglich")
    expect(page.get_by_label("Häufigkeit für Haushalt")).to_have_value("sofort")
    frequencies = dict(
        TagFollow.objects.filter(subscriber=reader).values_list("tag__name", "frequency")
    )
    assert frequencies == {"Energie": "taeglich", "Haushalt": "sofort"}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Meine Daten herunterladen (JSON)").click()
    download = download_info.value
    assert download.suggested_filename == "depesche-meine-daten.json"
    data = json.loads(download.path().read_text(encoding="utf-8"))
    assert data["subscriber"]["email"] == "leserin@example.org"
    assert data["subscriber"]["status"] == "active"
    assert sorted((f["tag"], f["frequency"], f["active"]) for f in data["follows"]) == [
        ("Energie", "taeglich", True),
        ("Haushalt", "sofort", True),
    ]
