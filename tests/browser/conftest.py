"""Browser journeys: Debian's Chromium driven by Playwright against a live test server.

One Chromium for the whole session, one fresh browser context (cookies, localStorage) per test.
The live server is pytest-django's `live_server`; it runs in this process, so the tests share
its settings and its SQLite file database (tests are transactional for that reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.chromium import launched_chromium

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def site(settings, live_server, tmp_path) -> str:
    """The live server's origin, with links in mails and the admin pointing at it."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.BASE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return str(live_server.url)


@pytest.fixture
def page(browser, site) -> Iterator[Any]:
    context = browser.new_context(
        viewport=DESKTOP, locale="de-DE", timezone_id="Europe/Berlin", base_url=site
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    # A script or style the Content-Security-Policy blocks is reported on the console only.
    tab.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield tab
    context.close()
    assert not errors, f"JavaScript or Content-Security-Policy errors on the pages: {errors}"


@pytest.fixture
def mail_ui(settings, smtp_mails):
    """The mail catcher's inbox at /_mail/, showing what the real SMTP server on loopback got."""
    settings.MAIL_CATCHER = True
    settings.MAIL_CATCHER_DIR = smtp_mails.folder
    return smtp_mails


def dialog_already_seen(page: Any) -> None:
    """This browser has shown the Wochenrückblick dialog before (newsletter.js's own key)."""
    page.context.add_init_script(
        "try { localStorage.setItem('depesche.newsletter.seen', '1'); } catch (e) {}"
    )


def shoot(page: Any, name: str, *, full_page: bool = False) -> None:
    """Save `<name>-desktop.png` (1280 px) and `<name>-phone.png` (390 px) of the page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or DESKTOP
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=full_page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=full_page)
    page.set_viewport_size(size)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    # What a reader sees once it has settled: a dialog still fading in (0.18 s) has the colours
    # of its half-transparent frame, which axe would judge (a failure only on a slow machine).
    page.evaluate("document.getAnimations().forEach((animation) => animation.finish())")
    response = Axe().run(page).response
    return [v for v in response["violations"] if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


class Newsroom:
    """What the reading journeys need: a main article with related ones and an ad campaign."""

    def __init__(self, site_tree: Any) -> None:
        from depesche.newsroom.models import ArticlePage
        from tests.factories import CampaignFactory, paragraphs, publish_article

        now = timezone.now()
        wirtschaft = site_tree.sections["Wirtschaft"]
        self.related = [
            publish_article(
                wirtschaft,
                title=f"Stadtwerke senken Preise in Runde {n}",
                teaser="Die Grundversorger geben niedrigere Einkaufspreise weiter.",
                tags=["Energie", "Strompreise"],
                published_at=now - timedelta(days=3 + n),
            )
            for n in (1, 2)
        ]
        body = paragraphs(
            *(
                f"Absatz {n}: Die Großhandelspreise für Strom sind im Herbst deutlich gefallen, "
                "und viele Haushalte fragen sich, wann das bei ihnen ankommt."
                for n in range(1, 6)
            )
        )
        self.article = publish_article(
            wirtschaft,
            title="Strompreise sinken zum Jahreswechsel",
            teaser="Viele Versorger kündigen günstigere Tarife an. Was Kunden jetzt tun können.",
            tags=["Energie", "Strompreise"],
            body=body,
            byline="Anna Beispiel",
            located="Leipzig",
            published_at=now - timedelta(days=2),
        )
        # A later correction: the article shows "Aktualisiert" beside its publication time.
        ArticlePage.objects.filter(pk=self.article.pk).update(updated_at=now - timedelta(hours=5))
        self.article.refresh_from_db()
        self.other = publish_article(
            site_tree.sections["Politik"],
            title="Landtag berät über den Haushalt",
            teaser="Die Opposition kritisiert die geplanten Kürzungen.",
            tags=["Haushalt"],
            published_at=now - timedelta(days=1),
        )
        # Like the demo's "Kaffeerösterei Bohnenwerk": a running native teaser, everywhere.
        self.campaign = CampaignFactory(
            name="Adventskalender",
            advertiser__name="Kaffeerösterei Bohnenwerk",
            brand="Kaffeerösterei Bohnenwerk",
            headline="24 Türchen, 24 Röstungen: der Kaffee-Adventskalender",
            teaser="Jeden Morgen eine neue Bohne aus kleinen Röstereien.",
            target_url="https://bohnenwerk.example/adventskalender",
            ends_at=None,
        )


@pytest.fixture
def newsroom(site_tree) -> Newsroom:
    return Newsroom(site_tree)
