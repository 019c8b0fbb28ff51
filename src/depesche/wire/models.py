"""The wire desk's data: feeds (Agenturen), section rules (Ressort-Zuordnung), one story per
agency record id, and the receipts of pushed or polled records waiting for the worker."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from depesche.wire.formats.base import CategoryKind


class Feed(models.Model):
    """An agency feed. Push delivery authenticates with `secret`; pull delivery reads `url`."""

    class FormatChoice(models.TextChoices):
        AUTO = "auto", _("Automatisch erkennen")
        NINJS = "ninjs", _("IPTC ninjs (1.x–3.x)")
        DIGITALWIRES = "digitalwires", _("dpa-digitalwires")

    name = models.CharField(_("Name"), max_length=80)
    slug = models.SlugField(
        _("Kennung"), max_length=50, unique=True, help_text=_("Teil der Adresse /wire/<Kennung>/")
    )
    format = models.CharField(
        _("Format"), max_length=20, choices=FormatChoice.choices, default=FormatChoice.AUTO
    )
    secret = models.CharField(
        _("Geheimnis"),
        max_length=128,
        blank=True,
        help_text=_(
            "Für Push-Lieferung: die Agentur sendet „Authorization: Bearer <Geheimnis>“. "
            "Leer: Push ist für diese Agentur abgeschaltet."
        ),
    )
    url = models.URLField(
        _("Abruf-Adresse"),
        max_length=500,
        blank=True,
        help_text=_("Für Abruf-Lieferung (wireQ-Warteschlange). Leer: kein Abruf."),
    )
    auto_publish = models.BooleanField(
        _("Automatisch veröffentlichen"),
        default=False,
        help_text=_("Aus: Meldungen landen als Entwurf im Desk „Agenturmeldungen“."),
    )
    default_section = models.ForeignKey(
        "newsroom.SectionPage",
        verbose_name=_("Standard-Ressort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("Aktiv"), default=True)
    last_polled_at = models.DateTimeField(_("Zuletzt abgerufen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Agentur")
        verbose_name_plural = _("Agenturen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SectionRule(models.Model):
    """One line of the Ressort-Zuordnung: a record carrying `kind`/`value` lands in `section`.
    Rules of the record's feed come before rules for every feed; lower priority first."""

    feed = models.ForeignKey(
        Feed,
        verbose_name=_("Agentur"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text=_("Leer: gilt für alle Agenturen."),
    )
    kind = models.CharField(
        _("Merkmal"),
        max_length=20,
        choices=[
            (CategoryKind.DESK.value, _("Ressort der Agentur (dpa: wi, pl, vm …)")),
            (CategoryKind.SUBJECT.value, _("Thema (subject)")),
            (CategoryKind.GENRE.value, _("Genre")),
            (CategoryKind.PROFILE.value, _("Profil (ninjs profile)")),
            (CategoryKind.MEDIATOPIC.value, _("IPTC Media Topic")),
            (CategoryKind.KEYWORD.value, _("Schlagwort")),
            (CategoryKind.GEO.value, _("Ort")),
        ],
    )
    value = models.CharField(
        _("Wert"),
        max_length=200,
        help_text=_(
            "Code oder Name, Groß-/Kleinschreibung egal, z. B. „wi“ oder „medtop:04000000“."
        ),
    )
    section = models.ForeignKey(
        "newsroom.SectionPage",
        verbose_name=_("Ressort"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(_("Reihenfolge"), default=100)

    class Meta:
        verbose_name = _("Ressort-Zuordnung")
        verbose_name_plural = _("Ressort-Zuordnungen")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} → {self.section}"


class WireStory(models.Model):
    """One agency record id (urn/uri/guid) and the article it became. The article keeps the
    text; this row keeps what the desk needs to decide about the next version."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Veröffentlicht")
        SCHEDULED = "scheduled", _("Sperrfrist")
        DRAFT = "draft", _("Entwurf")
        WITHDRAWN = "withdrawn", _("Zurückgezogen")

    record_id = models.CharField(_("Meldungs-ID"), max_length=255, unique=True)
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    article = models.OneToOneField(
        "newsroom.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wire_story",
    )
    format = models.CharField(_("Format"), max_length=20)
    version = models.PositiveIntegerField(_("Version"), null=True, blank=True)
    version_time = models.DateTimeField(_("Versionszeit"), null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    # The revision the importer saved last: a newer latest revision by a user is an edit.
    import_revision_id = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    # A newer agency version waits as a draft revision because an editor changed the article.
    needs_review = models.BooleanField(_("Neue Version wartet"), default=False)
    urgency = models.PositiveSmallIntegerField(_("Dringlichkeit"), null=True, blank=True)
    breaking = models.BooleanField(_("Eilmeldung"), default=False)
    headline = models.CharField(_("Überschrift"), max_length=255)
    section = models.ForeignKey(
        "newsroom.SectionPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("Eingang"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Letzte Version"), auto_now=True)

    class Meta:
        verbose_name = _("Agenturmeldung")
        verbose_name_plural = _("Agenturmeldungen")
        indexes = [models.Index(fields=["-breaking", "-updated_at"], name="wire_desk_order")]

    def __str__(self) -> str:
        return self.headline

    @property
    def current_status(self) -> str:
        """The status as the desk shows it: an embargoed story that Wagtail's scheduler has
        published since is published (load with select_related("article"))."""
        if self.status == self.Status.SCHEDULED and self.article is not None and self.article.live:
            return self.Status.PUBLISHED
        return self.status


class WireReceipt(models.Model):
    """A record as it arrived by push or poll, kept until the worker processed it. The unique
    key makes a repeated delivery of the same record version a no-op."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Wartet")
        # Claimed by one worker (services.receipt_process); one left here longer than
        # services.STALE_AFTER crashed mid-way and is queued again by the periodic poll task.
        PROCESSING = "processing", _("In Arbeit")
        DONE = "done", _("Verarbeitet")
        SKIPPED = "skipped", _("Übersprungen")
        FAILED = "failed", _("Fehler")

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="receipts")
    record_id = models.CharField(max_length=255)
    # The version number, else the version time, else the content fingerprint.
    version = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    message = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    # When a worker claimed it, or the periodic task queued it again (services.STALE_AFTER).
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "received_at"], name="wire_receipt_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "record_id", "version"], name="wire_receipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"


class WireImageSource(models.Model):
    """An agency picture's URL and the Wagtail image it became: a newer version of a story
    (or another story) naming the same picture reuses the image instead of fetching it again."""

    href = models.CharField(_("Bildadresse"), max_length=1000, unique=True)
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="wire_sources"
    )
    fetched_at = models.DateTimeField(_("Abgerufen"), auto_now_add=True)

    class Meta:
        verbose_name = _("Agenturbild")
        verbose_name_plural = _("Agenturbilder")

    def __str__(self) -> str:
        return self.href
