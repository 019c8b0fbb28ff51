"""Readers: subscribers, what they subscribed to, and the append-only consent ledger."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from depesche.newsroom.models import Author


def public_id_new() -> str:
    """128 random bits as 32 hex digits: the reader's id in links, never the sequential pk."""
    return secrets.token_hex(16)


# The same per row in SQL, for bulk inserts (and the migration that filled existing rows).
PUBLIC_ID_SQL = {
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
    "sqlite": "lower(hex(randomblob(16)))",
}


class Subscriber(models.Model):
    """One reader, identified by a normalised email address; no password."""

    class Status(models.TextChoices):
        PENDING = "pending", _("unbestätigt")
        ACTIVE = "active", _("aktiv")
        UNSUBSCRIBED = "unsubscribed", _("abgemeldet")
        BOUNCED = "bounced", _("unzustellbar")
        COMPLAINED = "complained", _("beschwert")
        ERASED = "erased", _("gelöscht")

    email = models.EmailField(_("E-Mail"), max_length=254, unique=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    confirmed_at = models.DateTimeField(_("bestätigt"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("abgemeldet"), null=True, blank=True)
    # Last "already subscribed" note asked for (at most one a day), and when it went out.
    noted_at = models.DateTimeField(null=True, blank=True, editable=False)
    note_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What links and the reader cookie carry instead of the pk (audience/links.py). Never
    # changes: one-click links in old mails must keep working.
    public_id = models.CharField(max_length=32, unique=True, default=public_id_new, editable=False)
    # Signed into preference links and the reader cookie; "forget this device" raises it,
    # which revokes every cookie and preference link made before.
    token_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("Abonnent")
        verbose_name_plural = _("Abonnenten")
        # Beyond "view": reading addresses, networks and browsers (lists, exports) and erasing
        # a reader are for the few who handle data requests; no group gets them by default.
        permissions = [
            ("export_reader_data", _("Leserdaten exportieren")),
            ("erase_reader", _("Leserdaten löschen")),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_suppressed(self) -> bool:
        """Bounced or complained addresses never get mail again."""
        return self.status in SUPPRESSED


# How strong a reader's status is; the suppression path (delivery/suppression.py) only ever
# raises it, for the reader's row and the address's SuppressedAddress entry alike: a late
# bounce never turns a complaint back into a bounce, nor anything into "active". Only the
# reader's own new double opt-in lifts "unsubscribed" (never a suppression).
STATUS_RANK: dict[str, int] = {
    Subscriber.Status.PENDING: 0,
    Subscriber.Status.ACTIVE: 0,
    Subscriber.Status.UNSUBSCRIBED: 1,
    Subscriber.Status.BOUNCED: 2,
    Subscriber.Status.COMPLAINED: 3,
    Subscriber.Status.ERASED: 4,
}
# The statuses that stop all mail for good; each leaves a SuppressedAddress entry.
SUPPRESSED = frozenset(
    {Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED, Subscriber.Status.ERASED}
)
# The statuses of a reader who still gets (or is about to get) mail: nothing withdrawn yet.
REACHABLE = frozenset({Subscriber.Status.ACTIVE, Subscriber.Status.PENDING})


def status_stronger(new: str, old: str) -> bool:
    """True if `new` outranks `old` (STATUS_RANK): the only way a status may change by an event."""
    return STATUS_RANK[new] > STATUS_RANK[old]


class Subscription(models.Model):
    """A subscription to a list: the weekly Wochenrückblick, or the Eilmeldungen (an email for
    each article editors mark as one)."""

    class Purpose(models.TextChoices):
        WEEKLY = "wochenrueckblick", _("Wochenrückblick")
        BREAKING = "eilmeldungen", _("Eilmeldungen")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    welcomed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "purpose"], name="one_subscription_per_purpose"
            )
        ]
        indexes = [models.Index(fields=["purpose", "active"])]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.purpose}"


class TagFollow(models.Model):
    """A reader follows a tag: an email when an article with it is published."""

    class Frequency(models.TextChoices):
        INSTANT = "sofort", _("sofort")
        DAILY = "taeglich", _("täglich")
        WEEKLY = "woechentlich", _("wöchentlich")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.INSTANT
    )
    active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "tag"], name="one_follow_per_tag")
        ]
        # Fan-out reads "active followers of these tags at this frequency".
        indexes = [models.Index(fields=["tag", "active", "frequency"])]

    def __str__(self) -> str:
        return f"{self.subscriber_id} → {self.tag_id} ({self.frequency})"


class AuthorFollow(models.Model):
    """A reader follows an author: an email when an article they wrote is published. The same
    fields and frequencies as TagFollow; the fan-out treats both alike (alerts/services.py)."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="author_follows"
    )
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(
        max_length=20, choices=TagFollow.Frequency.choices, default=TagFollow.Frequency.INSTANT
    )
    active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "author"], name="one_follow_per_author")
        ]
        # Fan-out reads "active followers of these authors at this frequency".
        indexes = [models.Index(fields=["author", "active", "frequency"])]

    def __str__(self) -> str:
        return f"{self.subscriber_id} → autor {self.author_id} ({self.frequency})"


class OptInRequest(models.Model):
    """One double opt-in mail: what the reader asked for, until the link is used or expires."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="optins")
    nonce = models.CharField(max_length=32, unique=True)
    weekly = models.BooleanField(default=False)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(
        max_length=20, choices=TagFollow.Frequency.choices, default=TagFollow.Frequency.INSTANT
    )
    source = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One opt-in is for one thing: the weekly, a tag or an author.
            models.CheckConstraint(
                condition=models.Q(tag__isnull=True) | models.Q(author__isnull=True),
                name="optin_for_a_tag_or_an_author",
            )
        ]

    def __str__(self) -> str:
        return self.nonce


class TextVersion(models.Model):
    """The exact text of a consent checkbox, Datenschutzerklärung or AGB a reader was shown."""

    class Kind(models.TextChoices):
        CONSENT = "consent", _("Einwilligungstext")
        PRIVACY = "privacy", _("Datenschutzerklärung")
        TERMS = "terms", _("AGB")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="one_text_per_hash")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"


class LedgerIsAppendOnly(Exception):
    """Consent records are proof: they are never changed or deleted (only erased)."""


class ConsentQuerySet(models.QuerySet["ConsentRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise LedgerIsAppendOnly("consent records cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly("consent records cannot be deleted")

    def erase(self, *, email_hash: str) -> int:
        """Replace the personal fields with `email_hash`; the rest stays as proof."""
        return super().update(
            subscriber=None,
            email=email_hash,
            ip_truncated="",
            user_agent="",
            erased_at=timezone.now(),
        )


class ConsentRecord(models.Model):
    """The consent ledger: every consent, confirmation and withdrawal, append-only."""

    class Action(models.TextChoices):
        CONSENT = "consent", _("Einwilligung")
        CONFIRMATION = "confirmation", _("Bestätigung")
        WITHDRAWAL = "withdrawal", _("Widerruf")

    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    email = models.CharField(_("E-Mail"), max_length=254, db_index=True)
    action = models.CharField(_("Vorgang"), max_length=20, choices=Action.choices)
    purpose = models.CharField(_("Zweck"), max_length=140)
    consent_text = models.ForeignKey(
        TextVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Einwilligungstext"),
    )
    privacy_text = models.ForeignKey(
        TextVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Datenschutzerklärung"),
    )
    terms_text = models.ForeignKey(
        TextVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("AGB"),
    )
    occurred_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    source = models.CharField(_("Formular"), max_length=40)
    request_nonce = models.CharField(_("Opt-in-Vorgang"), max_length=32, blank=True)
    ip_truncated = models.CharField(_("IP (gekürzt)"), max_length=45, blank=True)
    user_agent = models.CharField(_("Browser"), max_length=400, blank=True)
    erased_at = models.DateTimeField(_("gelöscht"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einwilligungsnachweis")
        verbose_name_plural = _("Einwilligungsnachweise")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.purpose} {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise LedgerIsAppendOnly("consent records cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly("consent records cannot be deleted")


class SuppressedAddress(models.Model):
    """A salted hash of an address that must never be mailed again: it bounced, its reader
    complained, or was erased (then this entry is all that is left). `reason` is the strongest
    of these so far (STATUS_RANK) and never goes down."""

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(
        max_length=40,
        choices=[
            (status.value, status.label)
            for status in Subscriber.Status  # the order of STATUS_RANK
            if status in SUPPRESSED
        ],
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.email_hash[:12]


@register_setting(icon="mail")
class NewsletterSettings(BaseGenericSetting):
    """The texts of the newsletter dialog and the follow forms; each version shown is kept."""

    title = models.CharField(_("Titel"), max_length=80, default="Wochenrückblick")
    intro = models.TextField(
        _("Einleitung"),
        default=(
            "Weniger E-Mails, mehr Überblick: Der Wochenrückblick bringt Ihnen einmal pro Woche "
            "die wichtigsten Themen kompakt – per E-Mail und als Podcast."
        ),
    )
    consent_text = models.TextField(
        _("Einwilligungstext (Wochenrückblick)"),
        help_text=_("„Datenschutzerklärung“ wird automatisch verlinkt."),
        default=(
            "Ja, ich möchte den Wochenrückblick einmal pro Woche per E-Mail erhalten. "
            "Ich kann diese Einwilligung jederzeit mit einem Klick in jeder E-Mail widerrufen. "
            "Einzelheiten in der Datenschutzerklärung."
        ),
    )
    follow_consent_text = models.TextField(
        _("Einwilligungstext (Themen folgen)"),
        help_text=_("„Datenschutzerklärung“ wird automatisch verlinkt."),
        default=(
            "Ja, ich möchte eine E-Mail erhalten, wenn ein neuer Artikel zu diesem Thema "
            "erscheint (sofort, täglich oder wöchentlich gesammelt). Ich kann das jederzeit mit "
            "einem Klick in jeder E-Mail abbestellen. Einzelheiten in der Datenschutzerklärung."
        ),
    )
    # An author is not a topic: consent names what the reader gets (Art. 7 GDPR, specific).
    author_follow_consent_text = models.TextField(
        _("Einwilligungstext (Autorinnen und Autoren folgen)"),
        help_text=_("„Datenschutzerklärung“ wird automatisch verlinkt."),
        default=(
            "Ja, ich möchte eine E-Mail erhalten, wenn ein neuer Artikel dieser Autorin oder "
            "dieses Autors erscheint (sofort, täglich oder wöchentlich gesammelt). Ich kann das "
            "jederzeit mit einem Klick in jeder E-Mail abbestellen. Einzelheiten in der "
            "Datenschutzerklärung."
        ),
    )
    button_label = models.CharField(
        _("Beschriftung der Schaltfläche"), max_length=60, default="Kostenlos anmelden"
    )
    ask_terms = models.BooleanField(
        _("AGB-Zustimmung abfragen"),
        default=False,
        help_text=_("Eine eigene, freiwillige Checkbox; nie Bedingung für den Newsletter."),
    )
    terms_text = models.TextField(
        _("Text der AGB-Checkbox"),
        blank=True,
        default="Ich habe die AGB gelesen und bin mit ihnen einverstanden.",
    )

    class Meta:
        verbose_name = _("Newsletter-Texte")


class PushSubscription(models.Model):
    """A browser that accepts Web Push notifications from us: its push service endpoint and the
    keys its messages are encrypted for (RFC 8291). No address, no account, no cookie: the
    subscription itself identifies the browser, and only that browser knows its `auth` secret."""

    endpoint = models.TextField()
    # SHA-256 of the endpoint: endpoints run to hundreds of characters, too long for a unique
    # index on every database.
    endpoint_hash = models.CharField(max_length=64, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Browser-Benachrichtigung")
        verbose_name_plural = _("Browser-Benachrichtigungen")

    def __str__(self) -> str:
        return f"push {self.pk}"


class PushTopic(models.Model):
    """What a push subscription follows: a tag ("thema:<slug>"), an author ("autor:<slug>") or
    the Eilmeldungen."""

    class Kind(models.TextChoices):
        TAG = "thema", _("Thema")
        AUTHOR = "autor", _("Autorin/Autor")
        BREAKING = "eilmeldungen", _("Eilmeldungen")

    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.CASCADE, related_name="topics"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "tag"],
                condition=models.Q(kind="thema"),
                name="one_push_topic_per_tag",
            ),
            models.UniqueConstraint(
                fields=["subscription", "author"],
                condition=models.Q(kind="autor"),
                name="one_push_topic_per_author",
            ),
            models.UniqueConstraint(
                fields=["subscription", "kind"],
                condition=models.Q(kind="eilmeldungen"),
                name="one_push_breaking_topic",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="thema", tag__isnull=False, author__isnull=True)
                | models.Q(kind="autor", tag__isnull=True, author__isnull=False)
                | models.Q(kind="eilmeldungen", tag__isnull=True, author__isnull=True),
                name="push_topic_names_its_tag_or_author",
            ),
        ]
        # The fan-out reads "subscriptions following these tags / authors / the Eilmeldungen".
        indexes = [
            models.Index(fields=["tag", "subscription"]),
            models.Index(fields=["author", "subscription"]),
            models.Index(fields=["kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} → {self.kind}:{self.tag_id or self.author_id or ''}"
