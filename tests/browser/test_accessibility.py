"""axe-core on the public pages: no violation of impact serious or critical."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    describe,
    dialog_already_seen,
    shoot,
)
from tests.factories import follower

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_public_pages_have_no_serious_accessibility_violations(page, newsroom):
    from depesche.audience.emails import preference_url

    dialog_already_seen(page)
    reader = follower("leserin@example.org", "Energie", "Haushalt")
    pages = {
        "home": "/",
        "section": newsroom.article.get_parent().url,
        "tag": "/thema/energie/",
        "article": newsroom.article.url,
        "newsletter": "/newsletter/",
        "search": "/suche/?q=Strompreise",
        "preference link form": "/abo/",
        # The link from any of the reader's mails: recognises her and shows her settings.
        "preferences": preference_url(reader),
    }
    found = {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.ok, f"{name}: {url} answered {response}"
        for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            violations = axe_violations(page)
            if violations:
                found[f"{name}, {width}"] = f"{url}\n{describe(violations)}"
        page.set_viewport_size(DESKTOP)
        if name == "newsletter":
            shoot(page, "newsletter")
        if name == "preferences":
            assert page.get_by_role("heading", level=1).inner_text() == "Ihre E-Mail-Einstellungen"
    report = "\n\n".join(f"{name}: {text}" for name, text in found.items())
    assert not found, f"axe found serious or critical violations:\n\n{report}"
