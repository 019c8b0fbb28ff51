"""Reading: home → article with dates, Lesezeit, tags, "Mehr zum Thema" and a labelled ad."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import dialog_already_seen, shoot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def moment(time_element) -> datetime:
    """The instant a <time datetime="…"> names, to the second."""
    value = datetime.fromisoformat(time_element.get_attribute("datetime"))
    return value.replace(microsecond=0)


def test_reader_opens_an_article_from_the_home_page(page, newsroom):
    dialog_already_seen(page)
    article = newsroom.article
    page.goto("/")
    expect(page).to_have_title(re.compile("Depesche"))
    teaser = page.get_by_role("link", name=article.title).first
    expect(teaser).to_be_visible()
    shoot(page, "home")

    teaser.click()
    expect(page).to_have_url(re.compile(re.escape(article.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)

    meta = page.locator(".article__meta")
    published, updated = meta.locator("time").all()
    assert moment(published) == article.first_published_at.replace(microsecond=0)
    expect(meta).to_contain_text("Aktualisiert:")
    assert moment(updated) == article.updated_at.replace(microsecond=0)
    assert article.updated_at > article.first_published_at
    # 5 paragraphs of 21 words: 105 words at 180 per minute, rounded up.
    expect(meta).to_contain_text("Lesezeit: 1 min")
    expect(page.locator(".article__byline")).to_have_text("Von Anna Beispiel, Leipzig")

    tags = page.locator(".article__tags .tag")
    expect(tags).to_have_text(["Energie", "Strompreise"])
    expect(
        page.locator(".article__tags").get_by_role("link", name="„Energie“ folgen")
    ).to_be_visible()

    related = page.locator(".related")
    expect(related.get_by_role("heading", name="Mehr zum Thema")).to_be_visible()
    expect(related.get_by_role("link", name=newsroom.related[0].title)).to_be_visible()
    expect(related).not_to_contain_text(newsroom.other.title)

    # The campaign's teaser sits in the body after the third paragraph, labelled as an ad.
    ad = page.locator(".article__body").get_by_text("24 Türchen, 24 Röstungen").first
    expect(ad).to_be_visible()
    body_ad = page.locator(".article__body :has(> :text('24 Türchen'))").first
    expect(body_ad).to_be_visible()
    expect(page.locator(".article__body")).to_contain_text("Anzeige")
    paragraphs_before_ad = page.evaluate(
        """() => {
            const body = document.querySelector('.article__body');
            const ad = [...body.children].find(el => el.textContent.includes('24 Türchen'));
            return [...body.children].slice(0, [...body.children].indexOf(ad))
                .filter(el => el.classList.contains('rich-text')).length;
        }"""
    )
    assert paragraphs_before_ad == 3
    shoot(page, "article", full_page=True)


def test_reader_browses_section_tag_and_search(page, newsroom):
    dialog_already_seen(page)
    page.goto("/")
    page.get_by_role("navigation", name="Ressorts").get_by_role("link", name="Wirtschaft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wirtschaft")
    expect(page.get_by_role("link", name=newsroom.article.title)).to_be_visible()
    expect(page.get_by_role("link", name=newsroom.other.title)).to_have_count(0)
    shoot(page, "section")

    page.goto(newsroom.article.url)
    page.locator(".article__tags").get_by_role("link", name="Strompreise", exact=True).click()
    expect(page).to_have_url(re.compile(r"/thema/strompreise/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strompreise")
    for item in (newsroom.article, *newsroom.related):
        expect(page.get_by_role("link", name=item.title)).to_be_visible()
    shoot(page, "tag")

    page.get_by_role("link", name="Suche").first.click()
    page.get_by_role("searchbox").first.fill("Strompreis")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/suche/\?q=Strompreis"))
    expect(page.get_by_role("link", name=newsroom.article.title)).to_be_visible()
    expect(page.get_by_role("link", name=newsroom.other.title)).to_have_count(0)
    shoot(page, "search")
