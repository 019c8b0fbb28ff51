"""The "Anhören" button of a pronunciation entry's form (pronunciation-preview.js): it asks
the preview for what is typed in the spoken field, and shows the server's reason when there
is nothing to hear."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_button_plays_the_typed_spoken_form(page, settings, django_user_model):
    settings.TTS_ENGINE = "espeak"
    user = django_user_model.objects.create_user("redakteurin", password="geheim-genug")
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto("/admin/login/")
    page.fill("input[name=username]", "redakteurin")
    page.fill("input[name=password]", "geheim-genug")
    page.click("button[type=submit]")
    page.goto("/admin/snippets/audio/pronunciation/add/")

    page.fill("input[name=spoken]", "Tokajeff")
    button = page.get_by_role("button", name="Anhören")
    with page.expect_response(lambda r: "/admin/aussprache/anhoeren/" in r.url) as answer:
        button.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "audio/wav"
    assert "text=Tokajeff" in response.url

    page.fill("input[name=spoken]", "")
    button.click()
    expect(page.get_by_role("status").filter(has_text="Bitte einen Text")).to_be_visible()
