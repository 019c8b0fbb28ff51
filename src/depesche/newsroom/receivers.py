"""Wagtail's publication signals are the one hook for "an article went live"."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from depesche.newsroom.models import ArticlePage, Author, tag_dates_sync
from depesche.newsroom.restrictions import deleted_with_page


def on_article_published(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Runs inside the publishing flow (admin, scheduled go-live, import) so "Aktualisiert"
    # is right before anyone reads the page.
    # Wagtail also sends page_published when a new page is merely scheduled (not live yet).
    if not instance.live:
        return
    from depesche.newsroom.services import article_publication_record

    article_publication_record(article=instance)


def on_article_unpublished(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
    # Scheduled expiry unpublishes a plain Page, so ArticlePage.save() does not run then.
    tag_dates_sync(article_id=instance.pk)


def on_article_moved(sender: type, instance: Any, parent_page_after: Any, **kwargs: Any) -> None:
    # Wagtail saves a moved page as a plain Page, so ArticlePage.save() never sees the new parent.
    from depesche.newsroom.services import article_section_record

    article_section_record(article_id=instance.pk, section_id=parent_page_after.pk)


def on_page_changed(sender: type, instance: Page, **kwargs: Any) -> None:
    # Any page going live, changing, going offline (deletion included) or moving changes what
    # readers see on cached pages. The URLs are taken now: a deleted page has none after the
    # commit. Invalidated now and again after the commit: a reader rendering the old state in
    # between caches it only under the generation the commit replaces.
    from depesche.newsroom.pagecache import pages_changed, urls_for_page, urls_for_subtree

    urls = urls_for_subtree(instance) if kwargs.get("restriction") else urls_for_page(instance)
    pages_changed()
    transaction.on_commit(partial(pages_changed, urls=urls))


def on_restriction_changed(sender: type, instance: PageViewRestriction, **kwargs: Any) -> None:
    # Setting or lifting a password, login or group restriction (Wagtail's privacy dialog or
    # code) changes what readers may see as a publish does; Wagtail sends no page signal.
    if deleted_with_page(**kwargs):
        return
    on_page_changed(sender, instance.page, restriction=True)


def on_author_changed(sender: type, instance: Author, **kwargs: Any) -> None:
    # A new name, bio or photo shows on the author page and in every byline linking to it.
    from depesche.newsroom.pagecache import author_urls, pages_changed

    transaction.on_commit(partial(pages_changed, urls=author_urls([instance.slug])))


def connect() -> None:
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(on_author_changed, sender=Author, dispatch_uid=f"newsroom.author_{name}")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            on_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"newsroom.restriction_{name}",
        )
    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="newsroom.article_published"
    )
    page_unpublished.connect(
        on_article_unpublished, sender=ArticlePage, dispatch_uid="newsroom.article_unpublished"
    )
    post_page_move.connect(
        on_article_moved, sender=ArticlePage, dispatch_uid="newsroom.article_moved"
    )
    for name, signal in [
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
    ]:
        signal.connect(on_page_changed, dispatch_uid=f"newsroom.page_changed.{name}")
