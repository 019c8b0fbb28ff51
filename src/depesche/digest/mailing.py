"""The Wochenrückblick as an email: queued for every active subscriber of it (one outbox row
each), prepared once per digest for all its readers, and sent by the delivery engine's workers
as a registered kind of mail (DIGEST_MAILS, registered in DigestConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from depesche.audience.links import WEEKLY_LIST
from depesche.audience.models import Subscriber, Subscription
from depesche.core.timefmt import format_date
from depesche.delivery.kinds import MailKind
from depesche.delivery.rendering import Prepared, Recipient, signed_message_id
from depesche.digest.models import Digest, DigestMail
from depesche.digest.selectors import topics_to_publish
from depesche.podcast.models import Episode


def episode_key(digest: Digest) -> str:
    return f"digest:{digest.week}"


def period_text(digest: Digest) -> str:
    """ "14.11.2026 – 20.11.2026": the period's last day is the day before its end (07:00)."""
    last_day = digest.period_end - timedelta(seconds=1)
    return f"{format_date(digest.period_start)} – {format_date(last_day)}"


def digest_message_id(*, digest_id: int, subscriber_id: int) -> str:
    """Deterministic per (reader, digest)."""
    return signed_message_id(f"digest.{digest_id}", f"digest:{digest_id}:{subscriber_id}")


class PreparedDigest(Prepared):
    """One week's Wochenrückblick mail: its topics, links and the podcast episode."""

    template_name = "digest/email/digest"
    required = ("TO", "MSGID", "PREFS", "UNSUB", "UNSUBMAIL")

    def __init__(self, *, digest_id: int, subject: str, context: dict[str, object]) -> None:
        super().__init__(key=digest_id, subject=subject, context=context)

    def message_id(self, recipient: Recipient) -> str:
        return digest_message_id(digest_id=self.key, subscriber_id=recipient.subscriber_id)

    def list_id(self, recipient: Recipient) -> str:
        return WEEKLY_LIST


def prepared_digest(digest_id: int) -> PreparedDigest:
    digest = Digest.objects.get(pk=digest_id)
    topics = [
        {
            "headline": topic.headline,
            "summary": topic.summary,
            "articles": [
                {"title": article.title, "url": settings.BASE_URL + (article.url or "")}
                for article in sorted(
                    topic.articles.all(),
                    key=lambda a: a.first_published_at or digest.period_start,
                    reverse=True,
                )
            ],
        }
        for topic in topics_to_publish(digest=digest)
    ]
    episode = Episode.objects.filter(source_key=episode_key(digest)).first()
    listen_url = settings.BASE_URL + (
        reverse("podcast:episode", args=[episode.slug]) if episode else reverse("podcast:index")
    )
    period = period_text(digest)
    return PreparedDigest(
        digest_id=digest.pk,
        subject=f"Wochenrückblick {period}",
        context={
            "digest": digest,
            "period": period,
            "topics": topics,
            "listen_url": listen_url,
            "episode": episode,
        },
    )


DIGEST_MAILS = MailKind(name="digest", model=DigestMail, key="digest", prepare=prepared_digest)


def digest_mails_enqueue(*, digest_id: int) -> int:
    """One Wochenrückblick mail per active subscriber of it, written set-based (one INSERT …
    SELECT); idempotent: a reader already queued for this digest is skipped. Returns rows
    written."""
    subscription = Subscription._meta.db_table
    subscriber = Subscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {DigestMail._meta.db_table}
                (digest_id, subscriber_id, status, attempts, next_attempt_at, created_at,
                 last_error)
            SELECT DISTINCT %(digest)s, s.id, %(pending)s, 0, %(now)s, %(now)s, ''
            FROM {subscription} m JOIN {subscriber} s ON s.id = m.subscriber_id
            WHERE m.purpose = %(purpose)s AND m.active = %(true)s AND s.status = %(active)s
            ON CONFLICT (digest_id, subscriber_id) DO NOTHING
            """,
            {
                "digest": digest_id,
                "pending": DigestMail.Status.PENDING.value,
                "now": timezone.now(),
                "purpose": Subscription.Purpose.WEEKLY.value,
                "true": True,
                "active": Subscriber.Status.ACTIVE.value,
            },
        )
        return max(cursor.rowcount, 0)
