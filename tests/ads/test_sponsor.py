"""The sponsor field on articles: a label, not content; it never moves "Aktualisiert"."""

from __future__ import annotations

from depesche.newsroom.models import ArticlePage
from depesche.newsroom.services import article_fingerprint
from tests.factories import publish_article


def test_sponsor_is_not_part_of_the_content_fingerprint(site_tree):
    article = publish_article(site_tree.sections["Wirtschaft"], title="Strom vom Dach")
    before = article_fingerprint(article)
    updated_at = article.updated_at
    article.sponsor = "Nordlicht Stadtwerke"
    assert article_fingerprint(article) == before
    article.save_revision().publish()
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.sponsor == "Nordlicht Stadtwerke"
    assert article.updated_at == updated_at
