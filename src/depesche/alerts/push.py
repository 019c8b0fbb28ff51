"""Web Push for articles: the fan-out when one goes live (a row per browser following one of
its tags or authors, or the Eilmeldungen when it is one), and its notification, prepared once.

The same shape as the email fan-out (alerts/services.py): one INSERT … SELECT per slice of
subscription ids, each committed at once; ArticlePush records how far it got, so a second run,
a racing worker or a republication never notifies a browser twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from taggit.models import Tag

from depesche.alerts.models import ArticlePush, PushDelivery, Urgency
from depesche.alerts.services import FANOUT_STALL, fanout_slice_bounds
from depesche.audience.models import PushSubscription, PushTopic
from depesche.delivery.kinds import PushKind, PushMessage
from depesche.newsroom.models import ArticlePageAuthor, ArticlePageTag, Author
from depesche.newsroom.selectors import article_is_public, article_public

logger = logging.getLogger(__name__)

# The notification's body: the teaser, cut at a word to this many characters.
BODY_MAX = 120


def teaser_cut(text: str, limit: int = BODY_MAX) -> str:
    """`text` of at most `limit` characters, cut at a word with "…" when it is longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return f"{cut}…"


def prepared_push(article_id: int) -> PushMessage | None:
    """The article's notification; None once it is no longer public (the gate): a browser is
    never told about an article taken down or restricted since the fan-out."""
    article = article_public(article_id=article_id)
    if article is None:
        return None
    return PushMessage(
        title=article.title,
        body=teaser_cut(article.teaser or ""),
        url=settings.BASE_URL + article.url,
    )


def _fanout_sql() -> str:
    topic = PushTopic._meta.db_table
    tag = Tag._meta.db_table
    tagged = ArticlePageTag._meta.db_table
    author = Author._meta.db_table
    written = ArticlePageAuthor._meta.db_table
    breaking = PushTopic.Kind.BREAKING.value
    thema = PushTopic.Kind.TAG.value
    autor = PushTopic.Kind.AUTHOR.value
    # The topic a browser is notified for, when it follows several of the article's: an
    # Eilmeldung as one, else the first tag, else the first author. The leading digit ranks
    # them for MIN and is cut off.
    return f"""
        INSERT INTO {PushDelivery._meta.db_table}
            (subscription_id, article_id, topic, urgency, status, attempts, next_attempt_at,
             created_at, last_error)
        SELECT p.subscription_id, %(article)s,
               SUBSTR(MIN(CASE WHEN p.kind = '{breaking}' THEN '0{breaking}'
                               WHEN p.kind = '{thema}' THEN '1{thema}:' || t.slug
                               ELSE '2{autor}:' || a.slug END), 2),
               %(urgency)s, %(pending)s, 0, %(now)s, %(now)s, ''
        FROM {topic} p
        LEFT JOIN {tag} t ON t.id = p.tag_id
        LEFT JOIN {author} a ON a.id = p.author_id
        WHERE p.subscription_id > %(low)s AND p.subscription_id <= %(high)s
          AND ((p.kind = '{thema}'
                AND p.tag_id IN (SELECT tag_id FROM {tagged} WHERE content_object_id = %(article)s))
               OR (p.kind = '{autor}'
                AND p.author_id IN (SELECT author_id FROM {written} WHERE page_id = %(article)s))
               OR (p.kind = '{breaking}' AND %(breaking)s))
        GROUP BY p.subscription_id
        ON CONFLICT (subscription_id, article_id) DO NOTHING
    """


def push_enqueue_for_article(*, article_id: int) -> int:
    """Start (or resume) the push fan-out of a newly published article; returns rows written.

    Idempotent (ArticlePush); skipped for an article not public now (its real publication or
    the lifted restriction notifies) and, like email alerts, for one first published more
    than ALERT_MAX_AGE_HOURS ago. An Eilmeldung goes with Urgency high also to every browser
    following the Eilmeldungen; whether it is one is read once, when the fan-out starts.
    """
    article = article_public(article_id=article_id)
    if article is None:
        return 0
    with transaction.atomic():
        ids = PushSubscription.objects.aggregate(first=Min("pk"), last=Max("pk"))
        start = (ids["first"] or 1) - 1
        push, created = ArticlePush.objects.get_or_create(
            article_id=article_id,
            defaults={
                "first_id": start,
                "covered_to": start,
                "last_id": ids["last"] or 0,
                "urgency": Urgency.HIGH if article.breaking else Urgency.NORMAL,
            },
        )
        if created:
            published = article.first_published_at
            age = timedelta(hours=settings.ALERT_MAX_AGE_HOURS)
            if published and published < timezone.now() - age:
                push.finished_at = timezone.now()
                push.save(update_fields=["finished_at"])
                return 0
    written = 0
    while (step := _slice(article_id)) is not None:
        written += step
    if written:
        logger.info("push fan-out for article %s: %s browsers", article_id, written)
    return written


def _slice(article_id: int) -> int | None:
    """Write the next slice of an article's push fan-out; None once it is complete."""
    with transaction.atomic():
        push = ArticlePush.objects.select_for_update().filter(article_id=article_id).first()
        if push is None or push.finished_at is not None:
            return None
        if not article_is_public(article_id=article_id):
            return None  # taken down or restricted meanwhile: lifting it resumes
        low, high = fanout_slice_bounds(first_id=push.first_id, covered_to=push.covered_to)
        with connection.cursor() as cursor:
            cursor.execute(
                _fanout_sql(),
                {
                    "article": article_id,
                    "urgency": push.urgency,
                    "pending": PushDelivery.Status.PENDING.value,
                    "now": timezone.now(),
                    "low": low,
                    "high": high,
                    "breaking": push.urgency == Urgency.HIGH,
                },
            )
            written = max(cursor.rowcount, 0)
        now = timezone.now()
        ArticlePush.objects.filter(pk=push.pk).update(
            covered_to=high,
            recipients=F("recipients") + written,
            progressed_at=now,
            finished_at=now if high >= push.last_id else None,
        )
    return written


def push_fanouts_resume() -> int:
    """Finish push fan-outs whose worker died half-way; returns the rows written."""
    stalled = ArticlePush.objects.filter(
        finished_at__isnull=True, progressed_at__lt=timezone.now() - FANOUT_STALL
    )
    return sum(
        push_enqueue_for_article(article_id=article_id)
        for article_id in stalled.values_list("article_id", flat=True)
    )


def push_cancel_for_articles(*, article_ids: list[int]) -> int:
    """Cancel the notifications not yet sent of these articles (taken down or restricted)."""
    if not article_ids:
        return 0
    return PushDelivery.objects.filter(
        article_id__in=article_ids, status=PushDelivery.Status.PENDING
    ).update(status=PushDelivery.Status.CANCELLED)


PUSH = PushKind(
    name="push",
    model=PushDelivery,
    key="article",
    prepare=prepared_push,
    each_round=push_fanouts_resume,
)
