"""The editorial model: HomePage → SectionPage (Ressort) → ArticlePage, plus legal pages."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from depesche.core.text import count_words, html_to_text, reading_minutes
from depesche.newsroom.blocks import ArticleBodyBlock
from depesche.newsroom.bylines import NAME_MAX, author_key, byline_without_lead

# Silent reading speed of adult German readers: 179 words per minute for German texts in the
# International Reading Speed Texts study (Trauzettel-Klosinski & Dietz 2012, IOVS 53:5452).
READING_WORDS_PER_MINUTE = 180


class HomePage(Page):
    claim = models.CharField(_("Claim"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("claim")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["newsroom.SectionPage", "newsroom.LegalPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Startseite")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from depesche.newsroom import selectors

        context = super().get_context(request, *args, **kwargs)
        context["latest"] = selectors.articles_latest(limit=selectors.HOME_LATEST)
        context["section_blocks"] = selectors.section_blocks(limit=selectors.HOME_PER_SECTION)
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from depesche.newsroom.pagecache import cacheable

        return cacheable(super().serve(request, *args, **kwargs))


class SectionPage(Page):
    description = models.TextField(_("Beschreibung"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("description")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.ArticlePage"]

    class Meta:
        verbose_name = _("Ressort")
        verbose_name_plural = _("Ressorts")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from depesche.core.pagination import paginate_newest
        from depesche.newsroom import selectors

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate_newest(
            request,
            selectors.article_ids(selectors.articles_in_section(section_id=self.pk)),
            selectors.articles_by_ids,
            settings.PAGE_SIZE,
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from depesche.newsroom.pagecache import cacheable

        return cacheable(super().serve(request, *args, **kwargs))


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "newsroom.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )
    # As in TaggedItemBase, without an index of its own: newsroom_tag_newest starts with the
    # tag, and PostgreSQL would otherwise prefer the narrower one and read every tagging.
    tag = models.ForeignKey(
        Tag,
        related_name="%(app_label)s_%(class)s_items",
        on_delete=models.CASCADE,
        db_index=False,
    )
    # The article's first publication while it is live, else empty: a tag page reads its
    # newest articles from one index range (tag, date), at any archive size and for rare tags
    # as for common ones. Kept by `tag_dates_sync`; never edited.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["tag", "published_at", "content_object"], name="newsroom_tag_newest"
            )
        ]


def tag_dates_sync(*, article_id: int) -> None:
    """Copy the article's live publication date onto its taggings (empty when not live).

    Reads the date from the database, so it also holds after a queryset update of the page."""
    published = Page.objects.filter(pk=article_id, live=True).values("first_published_at")[:1]
    ArticlePageTag.objects.filter(content_object_id=article_id).update(
        published_at=Subquery(published)
    )


# django-stubs cannot see the reverse manager of a Wagtail Orderable's foreign key.
class Author(models.Model):  # type: ignore[django-manager-missing]
    """A person who writes for the site: an author page (/autoren/<slug>/) lists their articles.

    Found again by `name_key` (case, spacing and umlaut spellings do not matter), so importing
    the same byline twice reuses the author; the slug is the page's address and may be edited."""

    name = models.CharField(_("Name"), max_length=NAME_MAX)
    slug = models.SlugField(
        _("Adresse"),
        max_length=NAME_MAX,
        unique=True,
        help_text=_("Die Autorenseite steht unter /autoren/<Adresse>/."),
    )
    bio = models.TextField(
        _("Kurzbiografie"), max_length=600, blank=True, help_text=_("Zwei, drei Sätze.")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Foto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name_key = models.CharField(max_length=NAME_MAX, unique=True, editable=False)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("bio"), FieldPanel("photo")]

    class Meta:
        verbose_name = _("Autorin/Autor")
        verbose_name_plural = _("Autorinnen und Autoren")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = author_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # The key is derived, so the form cannot check it: a second "Anna Müller" next to
        # "anna mueller" would otherwise fail as a database error.
        key = author_key(self.name)
        if not key:
            raise ValidationError({"name": _("Der Name braucht mindestens einen Buchstaben.")})
        if Author.objects.filter(name_key=key).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"name": _("Eine Autorin oder ein Autor mit diesem Namen existiert schon.")}
            )


class ArticlePageAuthor(Orderable):
    """One author of an article, in the byline's order."""

    page = ParentalKey(
        "newsroom.ArticlePage", related_name="article_authors", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("Autorin/Autor"),
        on_delete=models.CASCADE,
        related_name="article_links",
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("Autorin/Autor")
        verbose_name_plural = _("Autorinnen und Autoren")


class ArticlePage(Page):
    """One article. Its headline is the page title; its section is the parent page."""

    kicker = models.CharField(
        _("Dachzeile"), max_length=120, blank=True, help_text=_("Kurze Zeile über der Überschrift.")
    )
    teaser = models.TextField(_("Teaser"), help_text=_("Kurzer Vorspann, reiner Text."))
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("Text"))
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("Tags"))
    # The record's byline as given. Readers see it only when the article has no authors
    # (`article_authors`): then the authors, linked to their pages, are the byline.
    byline = models.CharField(
        _("Autoren (Freitext)"),
        max_length=255,
        blank=True,
        help_text=_(
            "Wird nur gezeigt, wenn oben keine Autorinnen oder Autoren ausgewählt sind, "
            "z. B. für „Redaktion“."
        ),
    )
    source_credit = models.CharField(
        _("Quellen/Agenturen"), max_length=255, blank=True, help_text=_("z. B. „dpa, Reuters“")
    )
    located = models.CharField(_("Ort"), max_length=120, blank=True)
    breaking = models.BooleanField(
        _("Eilmeldung"),
        default=False,
        help_text=_(
            "Wird überall als „Eilmeldung“ gekennzeichnet und bei der Veröffentlichung sofort "
            "an Browser und Leser verschickt, die Eilmeldungen abonniert haben."
        ),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Aufmacherbild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_caption = models.CharField(_("Bildunterschrift"), max_length=500, blank=True)
    image_credit = models.CharField(
        _("Bildnachweis"), max_length=255, blank=True, help_text=_("z. B. „Foto: dpa“")
    )
    image_alt = models.CharField(
        _("Alternativtext"),
        max_length=255,
        blank=True,
        help_text=_("Was auf dem Bild zu sehen ist, für Screenreader."),
    )
    usage_terms = models.TextField(
        _("Copyright und Nutzungsrechte"),
        blank=True,
        help_text=_("Erscheint klein unter dem Artikel, z. B. „© dpa-infocom GmbH“."),
    )
    # Editorial weighting for the Wochenrückblick only: readers never see it, so it is not part
    # of the content fingerprint (services.article_fingerprint) and never moves "Aktualisiert".
    top_topic = models.BooleanField(
        _("Top-Thema"),
        default=False,
        help_text=_(
            "Gehört zu den wichtigsten Themen der Woche: Der Wochenrückblick stellt das Thema "
            "dieses Artikels nach vorn."
        ),
    )

    # A sponsored article is advertising: every page and teaser showing it says "Anzeige". The
    # label sits outside the content fingerprint: marking an article never moves "Aktualisiert".
    sponsor = models.CharField(
        _("Gesponsert von / Anzeige für"),
        max_length=120,
        blank=True,
        help_text=_(
            "Nur für bezahlte Inhalte: Name des Auftraggebers. Ausgefüllt erscheint der Artikel "
            "überall mit dem Hinweis „Anzeige · <Name>“."
        ),
    )

    # Kept in sync on save and publish; never edited by hand.
    section = models.ForeignKey(
        SectionPage,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("Aktualisiert"), null=True, blank=True, editable=False)
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    source_guid = models.CharField(
        _("Import-GUID"), max_length=255, null=True, blank=True, unique=True, editable=False
    )
    source_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        FieldPanel("kicker"),
        TitleFieldPanel("title", heading=_("Überschrift")),
        FieldPanel("teaser"),
        MultiFieldPanel(
            [
                FieldPanel("image"),
                FieldPanel("image_caption"),
                FieldPanel("image_credit"),
                FieldPanel("image_alt"),
            ],
            heading=_("Bild"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("tags"),
                InlinePanel(
                    "article_authors",
                    label=_("Autorinnen und Autoren"),
                    heading=_("Autorinnen und Autoren"),
                ),
                FieldPanel("byline"),
                FieldPanel("source_credit"),
                FieldPanel("located"),
                FieldPanel("usage_terms"),
                # An Eilmeldung wakes every browser following the Eilmeldungen and mails the
                # readers who asked for them: only who holds "Eilmeldungen auslösen" sets it.
                FieldPanel("breaking", permission="newsroom.send_breaking"),
                FieldPanel("top_topic"),
                FieldPanel("sponsor"),
            ],
            heading=_("Metadaten"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("teaser"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("section"),
    ]
    parent_page_types = ["newsroom.SectionPage"]
    subpage_types: list[str] = []
    # A copy is a new article: it must not claim the original's import identity or dates.
    exclude_fields_in_copy = [
        "source_guid",
        "source_fingerprint",
        "content_fingerprint",
        "updated_at",
    ]

    class Meta:
        verbose_name = _("Artikel")
        verbose_name_plural = _("Artikel")
        permissions = [("send_breaking", _("Eilmeldungen auslösen"))]

    @property
    def headline(self) -> str:
        return self.title

    @property
    def byline_shown(self) -> str:
        """The free-text byline as the page prints it after its own "Von"."""
        return byline_without_lead(self.byline)

    @property
    def published_at(self) -> Any:
        return self.first_published_at

    def body_text(self) -> str:
        """The body as plain text, one block per line: for reading time, speech and summaries."""
        parts: list[str] = []
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(html_to_text(block.value.source))
            elif block.block_type == "subheading":
                parts.append(str(block.value))
            elif block.block_type == "quote":
                parts.append(str(block.value["quote"]))
        return "\n".join(part for part in parts if part)

    @cached_property
    def word_count(self) -> int:
        return count_words(self.body_text())

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count, READING_WORDS_PER_MINUTE)

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self.path and (update_fields is None or "section" in update_fields):
            parent = self.get_parent()
            self.section_id = parent.pk if parent is not None else None
        super().save(*args, **kwargs)
        # After super(): the taggings (child objects) are committed by then. Publishing,
        # unpublishing and copies end here; scheduled expiry saves a plain Page and is
        # caught by the page_unpublished receiver.
        tag_dates_sync(article_id=self.pk)

    def with_content_json(self, content: dict[str, Any]) -> ArticlePage:
        # Publication bookkeeping belongs to the article, not to the revision being restored.
        obj: ArticlePage = super().with_content_json(content)
        obj.updated_at = self.updated_at
        obj.content_fingerprint = self.content_fingerprint
        obj.section_id = self.section_id
        return obj

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from depesche.newsroom import selectors

        context = super().get_context(request, *args, **kwargs)
        tags = list(self.tags.all())
        context["article_tags"] = tags
        context["article_authors"] = selectors.authors_of_article(
            article=self, preview=getattr(request, "is_preview", False)
        )
        context["related"] = selectors.articles_related(
            article=self, limit=5, tag_ids=[tag.pk for tag in tags]
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from depesche.newsroom.pagecache import cacheable

        return cacheable(super().serve(request, *args, **kwargs))


class LegalPage(Page):
    """Impressum, Datenschutzerklärung, AGB: edited by editors, linked from the footer."""

    class Kind(models.TextChoices):
        IMPRINT = "impressum", _("Impressum")
        PRIVACY = "datenschutz", _("Datenschutzerklärung")
        TERMS = "agb", _("AGB")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, unique=True)
    body = RichTextField(_("Text"))

    content_panels = [*Page.content_panels, FieldPanel("kind"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Rechtstext")
        verbose_name_plural = _("Rechtstexte")
