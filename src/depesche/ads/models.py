"""Advertising: advertisers, campaigns (each with one creative) and the daily counters.

A campaign runs from `starts_at` until `ends_at` (none: open-ended) while it is active. It runs
everywhere unless it names sections or tags; then it runs on pages of those sections or tags.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.images.models import Image

from depesche.newsroom.models import ArticlePage, SectionPage
from depesche.newsroom.selectors import article_is_public

_URL = URLValidator(schemes=["http", "https"])


def _target_ok(url: str) -> bool:
    """An absolute http(s) URL, or a path on this site ("/newsletter/", never "//host")."""
    if url.startswith("/"):
        # Browsers read "/\\host" and "/<tab>/host" as "//host": another site.
        return not url.startswith("//") and "\\" not in url and url.isprintable() and " " not in url
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return False
    try:
        _URL(url)
    except ValidationError:
        return False
    return True


class Advertiser(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        verbose_name = _("Werbekunde")
        verbose_name_plural = _("Werbekunden")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    class Kind(models.TextChoices):
        NATIVE = "native", _("Native Teaser")
        IMAGE = "image", _("Bildanzeige")

    advertiser = models.ForeignKey(
        Advertiser,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("Werbekunde"),
    )
    name = models.CharField(_("Kampagne"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(
        _("Ende"), null=True, blank=True, help_text=_("Leer: läuft ohne Enddatum.")
    )
    weight = models.PositiveIntegerField(
        _("Gewichtung"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Anteil unter gleichrangigen Kampagnen: 2 erscheint doppelt so oft wie 1."),
    )
    priority = models.IntegerField(
        _("Priorität"),
        default=0,
        help_text=_("Höhere Priorität schlägt niedrigere; gleiche teilen nach Gewichtung."),
    )
    active = models.BooleanField(_("Aktiv"), default=True)
    house = models.BooleanField(
        _("Eigenanzeige"),
        default=False,
        help_text=_(
            "Eigenwerbung (z. B. für den Wochenrückblick): füllt Plätze, die keine bezahlte "
            "Kampagne belegt."
        ),
    )
    target_sections = models.ManyToManyField(
        SectionPage,
        blank=True,
        related_name="+",
        verbose_name=_("Ressorts"),
        help_text=_("Leer und ohne Tags: überall."),
    )
    target_tags = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="+",
        verbose_name=_("Tags"),
        help_text=_("Läuft auf Artikeln und Themenseiten mit einem dieser Tags."),
    )

    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default=Kind.NATIVE)
    brand = models.CharField(
        _("Marke"), max_length=120, blank=True, help_text=_("Native Teaser: der Absender.")
    )
    headline = models.CharField(_("Überschrift"), max_length=200, blank=True)
    teaser = models.TextField(_("Teaser"), blank=True)
    image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Bild"),
    )
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=250,
        blank=True,
        help_text=_("Was das Bild zeigt und sagt; Pflicht bei Bildanzeigen."),
    )
    sponsored_article = models.ForeignKey(
        ArticlePage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Gesponserter Artikel"),
    )
    target_url = models.CharField(
        _("Externe Ziel-URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "http:// oder https://; für Eigenanzeigen auch ein Pfad dieser Website "
            "wie /newsletter/."
        ),
    )

    panels = [
        FieldPanel("advertiser"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("priority"), FieldPanel("weight")]),
        FieldRowPanel([FieldPanel("active"), FieldPanel("house")]),
        MultiFieldPanel(
            [FieldPanel("target_sections"), FieldPanel("target_tags")],
            heading=_("Ausrichtung"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("brand"),
                FieldPanel("headline"),
                FieldPanel("teaser"),
                FieldPanel("image"),
                FieldPanel("alt_text"),
                FieldPanel("sponsored_article"),
                FieldPanel("target_url"),
            ],
            heading=_("Werbemittel"),
        ),
    ]

    class Meta:
        verbose_name = _("Kampagne")
        verbose_name_plural = _("Kampagnen")
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.advertiser.name}: {self.name}" if self.advertiser_id else self.name

    @property
    def is_external(self) -> bool:
        return bool(self.target_url)

    def _article_public(self) -> bool:
        # Through the newsroom's gate: an ad never links (and names the slug of) a sponsored
        # article behind a password or login.
        article = self.sponsored_article
        return article is not None and article.live and article_is_public(article_id=article.pk)

    def has_target(self) -> bool:
        """Whether a click can go anywhere (without computing URLs)."""
        return bool(self.target_url) or self._article_public()

    def target(self) -> str:
        """The external URL, or the public sponsored article's URL; empty when there is none."""
        if self.target_url:
            return self.target_url
        if self._article_public():
            return self.sponsored_article.url or ""  # type: ignore[union-attr]
        return ""

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            add("ends_at", str(_("Das Ende muss nach dem Beginn liegen.")))
        if self.target_url and not _target_ok(self.target_url):
            add(
                "target_url",
                str(
                    _(
                        "Die Ziel-URL muss mit http:// oder https:// beginnen (oder als Pfad "
                        "dieser Website mit / wie /newsletter/)."
                    )
                ),
            )
        has_article = self.sponsored_article_id is not None
        if self.kind == self.Kind.NATIVE:
            if has_article and self.target_url:
                add(
                    "target_url",
                    str(
                        _(
                            "Bitte entweder einen gesponserten Artikel oder eine externe "
                            "Ziel-URL angeben, nicht beides."
                        )
                    ),
                )
            elif not has_article and not self.target_url:
                add(
                    "target_url",
                    str(
                        _(
                            "Ein Native Teaser braucht ein Ziel: einen gesponserten Artikel "
                            "oder eine externe Ziel-URL."
                        )
                    ),
                )
            if not self.brand.strip():
                add("brand", str(_("Ein Native Teaser braucht eine Marke.")))
            if not self.headline.strip():
                add("headline", str(_("Ein Native Teaser braucht eine Überschrift.")))
        else:
            if self.image_id is None:
                add("image", str(_("Eine Bildanzeige braucht ein Bild.")))
            if not self.alt_text.strip():
                add("alt_text", str(_("Eine Bildanzeige braucht einen Alternativtext.")))
            if not self.target_url:
                add("target_url", str(_("Eine Bildanzeige braucht eine externe Ziel-URL.")))
            if has_article:
                add(
                    "sponsored_article",
                    str(_("Eine Bildanzeige verlinkt eine externe Ziel-URL, keinen Artikel.")),
                )
        if errors:
            raise ValidationError(errors)


class AdCount(models.Model):
    """Impressions and clicks of one campaign in one slot kind on one Berlin day. Nothing about
    readers: no cookie, no IP address, no identifier (see README, "Anzeigen")."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="counts", verbose_name=_("Kampagne")
    )
    day = models.DateField(_("Datum"))
    slot = models.CharField(_("Platz"), max_length=20)
    impressions = models.PositiveIntegerField(_("Einblendungen"), default=0)
    clicks = models.PositiveIntegerField(_("Klicks"), default=0)

    class Meta:
        verbose_name = _("Anzeigenzählung")
        verbose_name_plural = _("Anzeigenzählungen")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day", "slot"], name="ads_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day} {self.slot}: {self.impressions}/{self.clicks}"
