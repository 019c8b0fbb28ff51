"""RSS 2.0 and Atom feeds of the latest articles: the whole site, one section, one tag, one
author.

Django's syndication framework rather than feedgen (which the podcast feed needs for its iTunes
extension): it gives both formats from one class, 404s through `get_object`, Last-Modified from
the items, and `dc:creator` for bylines without an email address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from depesche.distribution import selectors
from depesche.distribution.links import absolute, page_url
from depesche.distribution.structured_data import article_modified
from depesche.newsroom.models import ArticlePage


@dataclass(frozen=True)
class FeedItem:
    article: ArticlePage
    link: str
    title: str


@dataclass(frozen=True)
class FeedSource:
    """What one request's feed is about; built per request, so the Feed instance (shared by
    all threads) keeps no state."""

    title: str
    description: str
    link: str
    feed_url: str
    items: list[FeedItem]


def article_guid(article: ArticlePage) -> str:
    """A tag URI (RFC 4151) on the article's id: stable when the headline, slug or section
    change, so readers never see an article twice."""
    host = urlsplit(settings.BASE_URL).hostname or "localhost"
    return f"tag:{host},2026:artikel/{article.pk}"


def article_categories(article: ArticlePage) -> list[str]:
    names = [article.section.title] if article.section else []
    names += [tag.name for tag in article.tags.all()]  # prefetched
    return names


def item_title(article: ArticlePage) -> str:
    """The headline; a sponsored article is advertising and says so in feed readers too."""
    if getattr(article, "sponsor", ""):
        return f"{_('Anzeige')}: {article.title}"
    return article.title


def feed_items(articles: list[ArticlePage], request: HttpRequest) -> list[FeedItem]:
    return [
        FeedItem(article=article, link=page_url(article, request), title=item_title(article))
        for article in articles
    ]


class ArticleFeed(Feed):  # type: ignore[type-arg]
    feed_type: type[Rss201rev2Feed] = Rss201rev2Feed
    language = "de"
    url_suffix = "rss"  # the URL name's suffix of this format

    def build(self, request: HttpRequest, **kwargs: str) -> FeedSource:
        raise NotImplementedError

    def get_object(self, request: HttpRequest, *args: str, **kwargs: str) -> FeedSource:
        # A feed is cached and shared by readers of every browser language: the site's own.
        with translation.override(settings.LANGUAGE_CODE):
            return self.build(request, **kwargs)

    def title(self, obj: FeedSource) -> str:
        return obj.title

    def description(self, obj: FeedSource) -> str:
        return obj.description

    def subtitle(self, obj: FeedSource) -> str:  # Atom's name for the description
        return obj.description

    def link(self, obj: FeedSource) -> str:
        return obj.link

    def feed_url(self, obj: FeedSource) -> str:
        return obj.feed_url

    def author_name(self) -> str:
        # Atom requires an author per entry or on the feed; entries without byline inherit this.
        return str(settings.SITE_NAME)

    def items(self, obj: FeedSource) -> list[FeedItem]:
        return obj.items

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.article.teaser

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return article_guid(item.article)

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> datetime | None:
        return item.article.first_published_at

    def item_updateddate(self, item: FeedItem) -> datetime | None:
        return article_modified(item.article)

    def item_author_name(self, item: FeedItem) -> str | None:
        # The authors when the article has them (prefetched), else the free byline.
        names = [link.author.name for link in item.article.article_authors.all()]
        return ", ".join(names) or item.article.byline or None

    def item_categories(self, item: FeedItem) -> list[str]:
        return article_categories(item.article)


def _home_link(request: HttpRequest) -> str:
    home = selectors.home_page()
    return page_url(home, request) if home else absolute("/")


class LatestFeed(ArticleFeed):
    def build(self, request: HttpRequest, **kwargs: str) -> FeedSource:
        name = f"latest-{self.url_suffix}"
        return FeedSource(
            title=str(settings.SITE_NAME),
            description=_("Die neuesten Artikel von %(site)s") % {"site": settings.SITE_NAME},
            link=_home_link(request),
            feed_url=absolute(reverse(f"distribution:{name}")),
            items=feed_items(selectors.feed_articles_latest(), request),
        )


class SectionFeed(ArticleFeed):
    def build(self, request: HttpRequest, **kwargs: str) -> FeedSource:
        section = selectors.section_live_by_slug(slug=kwargs["slug"])
        if section is None:
            raise Http404("unknown section")
        name = f"section-{self.url_suffix}"
        return FeedSource(
            title=f"{settings.SITE_NAME} – {section.title}",
            description=section.description
            or _("Die neuesten Artikel im Ressort %(section)s") % {"section": section.title},
            link=page_url(section, request),
            feed_url=absolute(reverse(f"distribution:{name}", args=[section.slug])),
            items=feed_items(selectors.feed_articles_in_section(section=section), request),
        )


class TagFeed(ArticleFeed):
    def build(self, request: HttpRequest, **kwargs: str) -> FeedSource:
        tag = selectors.tag_public_by_slug(slug=kwargs["slug"])
        if tag is None:
            raise Http404("unknown tag")
        name = f"tag-{self.url_suffix}"
        return FeedSource(
            title=f"{settings.SITE_NAME} – {tag.name}",
            description=_("Die neuesten Artikel zum Thema %(tag)s") % {"tag": tag.name},
            link=absolute(reverse("tag", args=[tag.slug])),
            feed_url=absolute(reverse(f"distribution:{name}", args=[tag.slug])),
            items=feed_items(selectors.feed_articles_for_tag(tag=tag), request),
        )


class AuthorFeed(ArticleFeed):
    def build(self, request: HttpRequest, **kwargs: str) -> FeedSource:
        author = selectors.author_public_by_slug(slug=kwargs["slug"])
        if author is None:
            raise Http404("unknown author")
        name = f"author-{self.url_suffix}"
        return FeedSource(
            title=f"{settings.SITE_NAME} – {author.name}",
            description=author.bio
            or _("Die neuesten Artikel von %(author)s") % {"author": author.name},
            link=absolute(reverse("author", args=[author.slug])),
            feed_url=absolute(reverse(f"distribution:{name}", args=[author.slug])),
            items=feed_items(selectors.feed_articles_for_author(author=author), request),
        )


def atom(feed: type[ArticleFeed]) -> type[ArticleFeed]:
    """The Atom variant of an RSS feed class."""
    return type(f"{feed.__name__}Atom", (feed,), {"feed_type": Atom1Feed, "url_suffix": "atom"})


LatestAtomFeed = atom(LatestFeed)
SectionAtomFeed = atom(SectionFeed)
TagAtomFeed = atom(TagFeed)
AuthorAtomFeed = atom(AuthorFeed)
