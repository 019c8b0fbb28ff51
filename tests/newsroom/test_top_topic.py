"""The editors' "Top-Thema" flag: for the Wochenrückblick only, never an update for readers."""

from __future__ import annotations

from django.urls import reverse

from depesche.newsroom.models import ArticlePage
from depesche.newsroom.services import article_fingerprint
from tests.factories import LONG_AGO, backdate, publish_article, reload


def test_flag_defaults_to_off(site_tree):
    assert publish_article(site_tree.sections["Politik"]).top_topic is False


def test_flagging_an_article_is_no_update_for_readers(site_tree):
    article = backdate(publish_article(site_tree.sections["Politik"], tags=["Haushalt"]))
    fingerprint = article.content_fingerprint
    assert fingerprint == article_fingerprint(article)
    article.top_topic = True
    assert article_fingerprint(article) == fingerprint
    article.save_revision().publish()
    article = reload(article)
    assert article.top_topic is True
    assert article.last_published_at > LONG_AGO
    assert article.updated_at == LONG_AGO
    assert article.content_fingerprint == fingerprint


def test_flag_is_in_the_editor(client, site_tree, django_user_model):
    article = publish_article(site_tree.sections["Politik"])
    client.force_login(django_user_model.objects.create_superuser("r", "r@example.org", "pw"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    assert 'name="top_topic"' in html
    assert "Top-Thema" in html
    assert ArticlePage._meta.get_field("top_topic").help_text
