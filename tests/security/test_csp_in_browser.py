"""The Content-Security-Policy as Chromium enforces it: public pages, the sign-up dialog's
script and the API docs (Swagger UI) run without a single violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.chromium import launched_chromium
from tests.factories import make_image, paragraphs, publish_article
from tests.support.podcast import publish_episode


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_and_api_docs_run_without_csp_violations(live_server, browser, settings):
    from depesche.newsroom.services import site_setup

    settings.BASE_URL = live_server.url
    tree = site_setup(site_name="Depesche")
    article = publish_article(
        tree.sections["Politik"],
        tags=["Energie"],
        body=[*paragraphs("Ein Absatz."), ("image", {"image": make_image("Bild")})],
    )
    episode = publish_episode()
    page = browser.new_page()
    page.clock.install()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    ran: list[str] = []
    for path in [
        "/",
        article.url,
        "/thema/energie/",
        "/newsletter/",
        "/suche/?q=Absatz",
        f"/podcast/{episode.slug}/",
        "/api/docs",
    ]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        ran.append(path)

    # The scripts did run: the dialog's script set its hooks, Swagger UI drew the API.
    assert page.locator(".swagger-ui .opblock").count() >= 3
    page.goto(live_server.url + article.url)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.clock.run_for(16_000)  # newsletter.js opens the dialog after 15 s
    page.wait_for_selector("#newsletter-dialog[open]", timeout=5000)
    assert violations == []

    # An inline script would have been refused and reported: the check above can fail.
    from playwright.sync_api import Error as PlaywrightError

    with pytest.raises(PlaywrightError, match="violates the following Content Security Policy"):
        page.add_script_tag(content="window.__inline = 1")
    assert page.evaluate("window.__inline") is None
