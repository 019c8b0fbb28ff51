"""body_html of /api/articles/<id>/ (depesche/api/serializers.py): the page's blocks, absolute."""

from __future__ import annotations

import re

import pytest
from wagtail.embeds.blocks import EmbedValue
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from tests.factories import make_image, publish_article

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=abc123"
IFRAME = (
    '<iframe width="200" height="113" src="https://www.youtube-nocookie.com/embed/abc123" '
    'frameborder="0" allow="encrypted-media" allowfullscreen title="Hafenrundfahrt"></iframe>'
)
TWEET = "https://x.com/depesche/status/1"


def stored_embed(url: str, html: str) -> None:
    """The oEmbed answer as Wagtail keeps it (its finders are not asked again): no network."""
    Embed.objects.create(
        url=url, hash=get_embed_hash(url), type="video", html=html, provider_name="Test"
    )


def body_of(client, article) -> str:
    response = client.get(f"/api/articles/{article.pk}/")
    assert response.status_code == 200
    return response.json()["body_html"]


def test_image_blocks_are_figures_with_absolute_renditions(client, site_tree, settings):
    settings.BASE_URL = "https://www.depesche.example"
    body = [("image", {"image": make_image("Hafen"), "caption": "Der Hafen", "credit": "Foto AG"})]
    article = publish_article(site_tree.sections["Politik"], body=body)

    html = body_of(client, article)

    match = re.fullmatch(
        r'<figure>\s*<img src="([^"]+)" width="(\d+)" height="\d+" alt="Hafen">\s*'
        r"<figcaption>Der Hafen <span>Foto: Foto AG</span></figcaption>\s*</figure>",
        html,
    )
    assert match, html
    src = match.group(1)
    assert src.startswith("https://www.depesche.example/media/") and "width-800" in src
    # the rendition the article page shows, not a second one
    page = client.get(article.url).content.decode()
    assert f'src="{src.removeprefix(settings.BASE_URL)}"' in page


def test_embed_blocks_carry_the_pages_oembed_html_or_its_fallback_link(client, site_tree):
    stored_embed(YOUTUBE, IFRAME)
    stored_embed(
        TWEET,
        '<blockquote class="twitter-tweet"><p>Eilmeldung</p></blockquote>'
        '<script async src="https://platform.x.com/widgets.js"></script>',
    )
    unreachable = "https://video.example.invalid/watch?v=abc"
    body = [
        ("embed", EmbedValue(YOUTUBE)),
        ("embed", EmbedValue(TWEET)),
        ("embed", EmbedValue(unreachable)),
    ]
    article = publish_article(site_tree.sections["Politik"], body=body)

    html = body_of(client, article)
    page = client.get(article.url).content.decode()

    assert 'src="https://www.youtube-nocookie.com/embed/abc123"' in page
    iframe = re.search(r"<iframe [^>]*></iframe>", html)
    assert iframe, html
    for attribute in (
        'src="https://www.youtube-nocookie.com/embed/abc123"',
        'width="200"',
        "allowfullscreen",
        'title="Hafenrundfahrt"',
    ):
        assert attribute in iframe.group(0)
    # a provider's script does not travel into the client's page; its quoted text does
    assert "<script" not in html and "widgets.js" not in html
    assert "<blockquote><p>Eilmeldung</p></blockquote>" in html
    # each embed keeps the page's link to its source (the whole of an unreachable one)
    for url in (YOUTUBE, TWEET, unreachable):
        assert f'href="{url}"' in page
        assert f'<a href="{url}" rel="noopener noreferrer">' in html
    assert html.count("<figure>") == 3


def test_links_in_the_body_are_absolute(client, site_tree):
    target = publish_article(site_tree.sections["Wirtschaft"], title="Ziel")
    body = [("paragraph", f'<p>Siehe <a linktype="page" id="{target.pk}">hier</a>.</p>')]
    article = publish_article(site_tree.sections["Politik"], body=body)
    html = body_of(client, article)
    assert html == (
        f'<p>Siehe <a href="http://testserver{target.url}" rel="noopener noreferrer">hier</a>.</p>'
    )


def test_quotes_keep_their_attribution(client, site_tree):
    body = [("quote", {"quote": "Zeile eins\nZeile zwei", "attribution": "Anna Beispiel"})]
    article = publish_article(site_tree.sections["Politik"], body=body)
    html = body_of(client, article)
    assert "<blockquote><p>Zeile eins<br>Zeile zwei</p></blockquote>" in html
    assert "<figcaption>– Anna Beispiel</figcaption>" in html
