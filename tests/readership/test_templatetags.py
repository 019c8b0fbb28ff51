"""The "Meistgelesen" box ({% meistgelesen %}) on home, section and article pages."""

from __future__ import annotations

import re

from depesche.readership.services import mostread_refresh
from tests.factories import publish_article
from tests.readership.conftest import NOW


def box(html: str) -> str | None:
    """The box's markup, or None when the page has none."""
    match = re.search(r'<section class="mostread".*?</section>', html, flags=re.S)
    return match.group(0) if match else None


def box_titles(html: str) -> list[str]:
    markup = box(html)
    assert markup is not None
    return re.findall(r"<li><a href=\"[^\"]+\">([^<]+)</a></li>", markup)


def test_the_box_on_home_section_and_article_pages(client, site_tree, reads):
    politik, wirtschaft = site_tree.sections["Politik"], site_tree.sections["Wirtschaft"]
    for n in range(5):
        reads(publish_article(politik, title=f"Politik {n}"), 10 + n)
    reads(publish_article(wirtschaft, title="Wirtschaft oben"), 100)
    article = publish_article(politik, title="Ungelesen")
    mostread_refresh(now=NOW)

    home = client.get(site_tree.home.url).content.decode()
    top = ["Wirtschaft oben", "Politik 4", "Politik 3", "Politik 2", "Politik 1"]
    assert box_titles(home) == top
    section = client.get(politik.url).content.decode()
    assert box_titles(section) == ["Politik 4", "Politik 3", "Politik 2", "Politik 1", "Politik 0"]
    # An article page shows its section's list.
    assert box_titles(client.get(article.url).content.decode()) == box_titles(section)

    markup = box(home)
    assert markup is not None
    heading = re.search(r'aria-labelledby="([^"]+)"', markup)
    assert heading is not None
    assert f'<h2 id="{heading.group(1)}" class="block-heading">Meistgelesen</h2>' in markup
    assert '<ol class="mostread__list">' in markup
    assert "<script" not in markup


def test_no_box_when_the_list_is_empty(client, site_tree, reads):
    politik = site_tree.sections["Politik"]
    article = publish_article(politik, title="Ungelesen")
    reads(publish_article(site_tree.sections["Wirtschaft"], title="Anderswo"), 30)
    mostread_refresh(now=NOW)

    assert box(client.get(politik.url).content.decode()) is None
    assert box(client.get(article.url).content.decode()) is None
    assert box_titles(client.get(site_tree.home.url).content.decode()) == ["Anderswo"]
