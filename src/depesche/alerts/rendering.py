"""An article's tag alert, prepared once for all its readers (delivery/rendering.py)."""

from __future__ import annotations

from django.conf import settings

from depesche.audience.links import BREAKING_LIST, topics_list_id
from depesche.delivery.rendering import Prepared, Recipient, signed_message_id
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.selectors import article_public


def message_id(*, article_id: int, subscriber_id: int) -> str:
    """Deterministic per (reader, article)."""
    return signed_message_id(f"alert.{article_id}", f"{article_id}:{subscriber_id}")


class PreparedAlert(Prepared):
    """One article's tag alert."""

    template_name = "alerts/email/alert"

    def __init__(self, article: ArticlePage) -> None:
        self.article_id = article.pk
        super().__init__(
            key=article.pk,
            subject=article.title,
            context={"article": article, "article_url": settings.BASE_URL + article.url},
        )

    def message_id(self, recipient: Recipient) -> str:
        return message_id(article_id=self.article_id, subscriber_id=recipient.subscriber_id)

    def list_id(self, recipient: Recipient) -> str:
        # No followed tag: the reader gets this Eilmeldung for the Eilmeldungen list, and its
        # one-click link ends exactly that list.
        if not recipient.matched_slugs:
            return BREAKING_LIST
        return topics_list_id(recipient.matched_slugs.split(","))


def prepared_alert(article_id: int) -> PreparedAlert | None:
    """The article's alert; None once it is no longer public. Through the newsroom's gate: an
    article taken down or put behind a password or login since the fan-out is sent to nobody."""
    article = article_public(article_id=article_id)
    return PreparedAlert(article) if article is not None else None
