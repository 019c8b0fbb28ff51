"""Eilmeldungen by email: readers who asked for them on the preference center get each one at
once, beside the readers following its tags; never twice."""

from __future__ import annotations

from depesche.alerts.models import ArticleAlert, Delivery
from depesche.alerts.rendering import prepared_alert
from depesche.alerts.services import deliveries_enqueue_for_article
from depesche.audience.links import list_parse
from depesche.audience.models import Subscription
from depesche.delivery.rendering import Recipient
from tests.factories import follower, publish_article


def wants_breaking(email: str, *tags: str, active: bool = True) -> None:
    reader = follower(email, *tags)
    Subscription.objects.create(
        subscriber=reader, purpose=Subscription.Purpose.BREAKING, active=active
    )


def rows(article) -> dict[str, tuple[str, str, str]]:
    return {
        d.subscriber.email: (d.kind, d.matched_tags, d.matched_slugs)
        for d in Delivery.objects.filter(article=article).select_related("subscriber")
    }


def test_an_eilmeldung_reaches_its_list_and_the_tags_followers_once(site_tree):
    wants_breaking("eil@example.org")
    wants_breaking("beides@example.org", "Energie")
    wants_breaking("beendet@example.org", active=False)
    follower("thema@example.org", "Energie")
    follower("fremd@example.org", "Sport")
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"], breaking=True)

    assert deliveries_enqueue_for_article(article_id=article.pk) == 3
    assert rows(article) == {
        "eil@example.org": ("sofort", "Eilmeldungen", ""),
        "beides@example.org": ("sofort", "Energie", "energie"),
        "thema@example.org": ("sofort", "Energie", "energie"),
    }
    assert ArticleAlert.objects.get(article=article).breaking
    # A second run (a republication, a racing worker) writes nothing.
    assert deliveries_enqueue_for_article(article_id=article.pk) == 0


def test_an_ordinary_article_does_not_go_to_the_eilmeldungen_list(site_tree):
    wants_breaking("eil@example.org")
    follower("thema@example.org", "Energie")
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    deliveries_enqueue_for_article(article_id=article.pk)
    assert set(rows(article)) == {"thema@example.org"}


def test_the_one_click_link_of_an_eilmeldung_ends_the_eilmeldungen_only(site_tree):
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"], breaking=True)
    alert = prepared_alert(article.pk)
    assert alert is not None
    breaking = Recipient(1, "eil@example.org", "Eilmeldungen", "", "p" * 32, 0)
    tagged = Recipient(2, "thema@example.org", "Energie", "energie", "q" * 32, 0)
    assert list_parse(alert.list_id(breaking)).breaking
    assert list_parse(alert.list_id(tagged)).slugs == ("energie",)
