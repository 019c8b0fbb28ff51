"""Authors as topics in the email fan-out: one row per reader whatever matched (tags, authors),
named by the author; the gate holds; one-click and bundles end exactly the author's follow."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from depesche.alerts.bundles import bundles_work_once
from depesche.alerts.models import Delivery
from depesche.alerts.services import deliveries_enqueue_for_article
from depesche.audience.links import list_parse, unsubscribe_target
from depesche.audience.models import AuthorFollow, TagFollow
from depesche.delivery.sending import send_due
from depesche.delivery.slots import BERLIN
from depesche.newsroom.models import Author
from tests.factories import (
    author_follower,
    follower,
    publish_article,
    save_draft_article,
)


@pytest.fixture
def muster(db) -> Author:
    return Author.objects.create(name="Anna Muster", slug="anna-muster")


@pytest.fixture
def weber(db) -> Author:
    return Author.objects.create(name="Jana Weber", slug="jana-weber")


def rows() -> dict[str, tuple[str, str, str]]:
    return {
        d.subscriber.email: (d.kind, d.matched_tags, d.matched_slugs)
        for d in Delivery.objects.select_related("subscriber")
    }


def publish(site_tree, capture, *, tags: list[str], authors: list[Author], title: str = "Text"):
    with capture(execute=True):
        return publish_article(
            site_tree.sections["Wirtschaft"], tags=tags, authors=authors, title=title
        )


def test_an_author_follower_gets_one_row_naming_the_author(
    site_tree, muster, weber, django_capture_on_commit_callbacks
):
    author_follower("autor@example.org", muster)
    author_follower("andere@example.org", weber)  # another author: not for this article
    follower("thema@example.org", "Sport")
    publish(site_tree, django_capture_on_commit_callbacks, tags=["Energie"], authors=[muster])
    assert rows() == {"autor@example.org": ("sofort", "Anna Muster", "autor:anna-muster")}


def test_a_reader_following_a_tag_and_the_author_gets_one_row_naming_both(
    site_tree, muster, django_capture_on_commit_callbacks
):
    both = follower("beides@example.org", "Energie", frequency="woechentlich")
    AuthorFollow.objects.create(subscriber=both, author=muster, frequency="taeglich", active=True)
    follower("thema@example.org", "Energie")
    article = publish(
        site_tree, django_capture_on_commit_callbacks, tags=["Energie"], authors=[muster]
    )
    assert Delivery.objects.filter(article=article).count() == 2
    kind, names, slugs = rows()["beides@example.org"]
    assert kind == "taeglich"  # the most urgent of the matching follows
    assert sorted(names.split(", ")) == ["Anna Muster", "Energie"]
    assert sorted(slugs.split(",")) == ["autor:anna-muster", "energie"]
    assert rows()["thema@example.org"] == ("sofort", "Energie", "energie")
    # Resumed or run again: still one row each.
    assert deliveries_enqueue_for_article(article_id=article.pk) == 0


def test_inactive_author_follows_and_readers_who_left_get_nothing(
    site_tree, muster, django_capture_on_commit_callbacks
):
    author_follower("weg@example.org", muster, status="unsubscribed")
    pending = author_follower("offen@example.org", muster)
    AuthorFollow.objects.filter(subscriber=pending).update(active=False)
    publish(site_tree, django_capture_on_commit_callbacks, tags=["Energie"], authors=[muster])
    assert rows() == {}


def test_a_restricted_article_alerts_no_author_follower(
    site_tree, muster, django_capture_on_commit_callbacks
):
    author_follower("autor@example.org", muster)
    # Behind a password before it goes live: its publication alerts nobody.
    draft = save_draft_article(site_tree.sections["Wirtschaft"], authors=[muster])
    PageViewRestriction.objects.create(
        page=draft, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    with django_capture_on_commit_callbacks(execute=True):
        draft.get_latest_revision().publish()
    assert draft.specific_class.objects.get(pk=draft.pk).live
    assert deliveries_enqueue_for_article(article_id=draft.pk) == 0
    assert rows() == {}


@pytest.mark.parametrize("followers", [3, 40])
def test_the_fanout_of_tags_and_authors_is_one_statement(
    site_tree, muster, django_capture_on_commit_callbacks, followers
):
    for i in range(followers):
        reader = follower(f"leser{i}@example.org", "Energie")
        if i % 2:
            AuthorFollow.objects.create(subscriber=reader, author=muster, active=True)
        author_follower(f"autor{i}@example.org", muster)
    with django_capture_on_commit_callbacks(execute=False):
        article = publish_article(site_tree.sections["Politik"], tags=["Energie"], authors=[muster])
    with CaptureQueriesContext(connection) as queries:
        written = deliveries_enqueue_for_article(article_id=article.pk)
    assert written == 2 * followers == Delivery.objects.count()
    inserts = [q["sql"] for q in queries if q["sql"].startswith("\n        INSERT INTO")]
    assert len(inserts) == 1, "one INSERT … SELECT for tags and authors together"
    assert len(queries) <= 17


def test_one_click_from_an_author_alert_ends_exactly_that_follow(
    site_tree, smtp, muster, weber, django_capture_on_commit_callbacks
):
    server = smtp()
    reader = author_follower("autor@example.org", muster, weber)
    TagFollow.objects.create(
        subscriber=reader,
        tag=Tag.objects.create(name="Sport", slug="sport"),
        active=True,
    )
    publish(
        site_tree,
        django_capture_on_commit_callbacks,
        tags=["Energie"],
        authors=[muster],
        title="Strompreise sinken",
    )
    assert send_due() == 1
    [(rcpt, raw_bytes)] = server.accepted
    raw = raw_bytes.decode()
    assert rcpt == "autor@example.org"
    assert "Anna Muster" in raw and "Strompreise sinken" in raw
    url = re.search(r"List-Unsubscribe: <http://testserver(/abo/abmelden/[^>]+)>", raw).group(1)
    page = Client().get(url)
    assert "dieser Autorin oder diesem Autor" in page.content.decode()
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    left = AuthorFollow.objects.filter(subscriber=reader).values_list("author__slug", flat=True)
    assert list(left) == ["jana-weber"]
    assert TagFollow.objects.filter(subscriber=reader).count() == 1
    assert reader.consents.order_by("pk").last().purpose == "autor:anna-muster"


def test_a_daily_bundle_names_the_author_and_its_one_click_ends_that_follow(
    site_tree, smtp_mails, muster, django_capture_on_commit_callbacks
):
    reader = author_follower("autor@example.org", muster, frequency="taeglich")
    follower("autor@example.org", "Klima", frequency="taeglich")
    first = publish(
        site_tree,
        django_capture_on_commit_callbacks,
        tags=["Energie"],
        authors=[muster],
        title="Strom billig",
    )
    second = publish(
        site_tree, django_capture_on_commit_callbacks, tags=["Klima"], authors=[], title="Hitze"
    )
    at = datetime(2025, 6, 10, 6, 10, tzinfo=BERLIN)
    Delivery.objects.filter(article__in=[first, second]).update(created_at=at, next_attempt_at=at)

    assert bundles_work_once(now=datetime(2025, 6, 10, 7, 0, tzinfo=BERLIN)) == 1
    [mail] = smtp_mails.wait(1)
    text = mail.body("plain")
    assert "Themen: Anna Muster" in text and "Themen: Klima" in text
    assert "Anna Muster" in mail.html

    url = re.search(r"<http://testserver(/abo/abmelden/[^>]+)>", mail.list_unsubscribe).group(1)
    lists = list_parse(unsubscribe_target(token=url.split("/")[-2]).list_id)
    assert (lists.slugs, lists.authors) == (("klima",), ("anna-muster",))
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    # The bundle named both topics: its one click ends both, and nothing else.
    assert not AuthorFollow.objects.filter(subscriber=reader).exists()
    assert not TagFollow.objects.filter(subscriber=reader).exists()
