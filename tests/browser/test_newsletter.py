"""The Wochenrückblick dialog, double opt-in via /_mail/, tag alerts, one-click unsubscribe."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe, shoot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# newsletter.js opens the dialog after 15 s (data-delay): the page's clock is moved on instead.
DIALOG_DELAY_MS = 15_000


def dialog(page: Any) -> Any:
    return page.get_by_role("dialog", name="Wochenrückblick")


def wait_for_dialog(page: Any) -> None:
    page.clock.run_for(DIALOG_DELAY_MS + 500)


@pytest.mark.parametrize("close_with", ["X", "Escape"])
def test_dialog_appears_once_and_closes(page, newsroom, close_with):
    page.clock.install()
    page.goto(newsroom.article.url)
    page.clock.run_for(DIALOG_DELAY_MS - 1_000)
    expect(dialog(page)).to_be_hidden()
    page.clock.run_for(1_500)
    expect(dialog(page)).to_be_visible()
    expect(dialog(page).get_by_role("textbox", name="E-Mail")).to_be_focused()
    if close_with == "X":
        violations = axe_violations(page)
        assert not violations, describe(violations)
        shoot(page, "newsletter-dialog")
        dialog(page).get_by_role("button", name="Schließen").click()
    else:
        page.keyboard.press("Escape")
    expect(dialog(page)).to_be_hidden()

    page.reload()
    wait_for_dialog(page)
    page.mouse.wheel(0, 5_000)  # the other trigger: scrolling past half of the page
    page.clock.run_for(1_000)
    expect(dialog(page)).to_be_hidden()
    page.goto("/")
    wait_for_dialog(page)
    expect(dialog(page)).to_be_hidden()


def open_mail(page: Any, subject: str | re.Pattern[str]) -> None:
    """In the mail catcher's inbox (/_mail/), open the newest mail with this subject."""
    page.goto("/_mail/")
    page.get_by_role("link", name=subject).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)


def wait_for_mail(mails: Any, to: str, subject_part: str, timeout: float = 15.0) -> Any:
    """Run the delivery worker's loop until a mail with this subject reaches `to`."""
    from depesche.delivery.sending import work_once

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        work_once()
        found = [m for m in mails.to(to) if subject_part in m.subject]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(
        f"no mail {subject_part!r} to {to}; got {[m.subject for m in mails.all()]}"
    )


def test_subscribe_follow_alert_and_unsubscribe(page, browser, site, newsroom, mail_ui, tmp_path):
    from depesche.audience.models import Subscriber, TagFollow
    from depesche.demo.services import editor_ensure
    from depesche.newsroom.models import ArticlePage

    reader = "leserin@example.org"

    # 1. The dialog on an article: address, the unticked consent box, submit.
    page.clock.install()
    page.goto(newsroom.article.url)
    wait_for_dialog(page)
    form = dialog(page)
    form.get_by_role("textbox", name="E-Mail").fill(reader)
    consent = form.get_by_role("checkbox")
    expect(consent).not_to_be_checked()
    consent.check()
    form.get_by_role("button", name=re.compile("Anmelden|Abonnieren|bestellen", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fast geschafft")
    assert Subscriber.objects.get(email=reader).status == "pending"

    # 2. The confirmation mail in the mail catcher; its link shows a button; the POST confirms.
    mail_ui.wait(1)
    open_mail(page, "Bitte bestätigen Sie Ihre Anmeldung bei Depesche")
    shoot(page, "mail-confirmation")
    page.locator(".mail-body a[href*='/newsletter/bestaetigen/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    page.get_by_role("button", name="Ja, Anmeldung bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vielen Dank – Ihre Anmeldung ist bestätigt"
    )
    assert Subscriber.objects.get(email=reader).status == "active"

    # 3. [+] beside a tag: one click for a recognised reader.
    page.goto(newsroom.article.url)
    page.locator(".article__tags").get_by_role("button", name="„Energie“ folgen").click()
    expect(page.get_by_text("Sie folgen jetzt „Energie“.")).to_be_visible()
    expect(page.locator(".article__tags").get_by_text("Sie folgen „Energie“")).to_be_attached()
    follow = TagFollow.objects.get(subscriber__email=reader, tag__name="Energie")
    assert follow.active and follow.frequency == "sofort"

    # 4. An editor writes and publishes an article with that tag in the Wagtail admin.
    editor, password = editor_ensure(password_file=tmp_path / "editor-password")
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site)
    admin.set_default_timeout(15_000)
    desk = admin.new_page()
    desk.goto("/admin/")
    desk.locator("#id_username").fill(editor.username)
    desk.locator("#id_password").fill(password)
    desk.locator("form button[type=submit]").click()
    expect(desk.get_by_role("heading", level=1)).to_be_visible()
    section = newsroom.article.get_parent()
    desk.goto(f"/admin/pages/add/newsroom/articlepage/{section.pk}/")
    headline = "Netzagentur genehmigt neue Stromtrassen"
    title = desk.get_by_role("textbox", name="Überschrift")
    title.fill(headline)
    title.blur()
    # The headline fills the URL slug (Wagtail's TitleFieldPanel): the editor types nothing.
    desk.get_by_role("tab", name="Veröffentlichung").click()
    expect(desk.locator("#id_slug")).to_have_value("netzagentur-genehmigt-neue-stromtrassen")
    desk.get_by_role("tab", name="Inhalt").click()
    desk.get_by_role("textbox", name="Teaser").fill(
        "Der Ausbau soll Windstrom schneller in den Süden bringen."
    )
    body = desk.locator("#panel-child-inhalt-body-section")
    body.get_by_role("button", name=re.compile("Block|einfügen", re.I)).first.click()
    desk.get_by_role("option", name="Absatz").click()
    editor_box = body.get_by_role("textbox").first
    editor_box.click()
    desk.keyboard.type("Die Bundesnetzagentur hat drei neue Leitungen genehmigt.")
    # Draftail writes the paragraph into its form field on blur: publish only after that.
    editor_box.blur()
    expect(desk.locator("[name='body-0-value']")).to_have_value(re.compile("Bundesnetzagentur"))
    tags = desk.locator("[data-w-tag-target], .tagit input, #id_tags + * input").first
    tags.fill("Energie")
    tags.press("Enter")
    desk.get_by_role("button", name="Mehr Aktionen").click()
    desk.get_by_role("button", name="Veröffentlichen").click()
    expect(desk.locator(".messages")).to_contain_text(headline)
    admin.close()
    published = ArticlePage.objects.get(title=headline)
    assert published.live and [t.name for t in published.tags.all()] == ["Energie"]

    # 5. The delivery worker sends the alert; it carries RFC 8058 one-click headers.
    alert = wait_for_mail(mail_ui, reader, headline)
    assert alert.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    open_mail(page, alert.subject)
    expect(page.locator(".mail-body")).to_contain_text(headline)

    # 6. "Abbestellen mit einem Klick" in the mail: a page with one button ends the tag's mails.
    page.locator(".mail-body a[href*='/abo/abmelden/']").click()
    expect(page.get_by_text("Möchten Sie die E-Mails zu diesem Thema abbestellen?")).to_be_visible()
    page.get_by_role("button", name="Ja, abmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sie sind abgemeldet")
    assert not TagFollow.objects.filter(pk=follow.pk, active=True).exists()
    assert Subscriber.objects.get(email=reader).status == "active"  # only the tag ended
