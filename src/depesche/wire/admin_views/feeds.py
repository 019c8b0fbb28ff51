"""Agenturen → Agenturen: the feeds (create, edit, delete), guarded by the model permissions
(wire.add_feed, wire.change_feed, wire.delete_feed, wire.view_feed; superusers have them).

The push secret is a password the agency sends: it is offered once, freshly generated, on the
create form, and never shown again (the listing shows its last four characters). Editing keeps
it unless a new one is typed or push is switched off."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib.auth.models import Permission
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic.models import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from depesche.core.timefmt import berlin_text
from depesche.newsroom.models import SectionPage
from depesche.wire.admin_views.common import FEEDS, model_permissions, sections_for_choice
from depesche.wire.models import Feed
from depesche.wire.selectors import feeds_for_admin

# A shorter secret is guessable; token_urlsafe(32) gives 43 characters.
SECRET_MIN_LENGTH = 24
# `?neues_geheimnis=1` on the edit page offers a fresh secret (rotation, or a lost one).
NEW_SECRET_PARAM = "neues_geheimnis"


def secret_new() -> str:
    return secrets.token_urlsafe(32)


def secret_masked(secret: str) -> str:
    """`…Xy4Q`: enough to tell two secrets apart, too little to use one."""
    return f"…{secret[-4:]}" if secret else "–"


def push_path(feed: Feed) -> str:
    """Where the agency pushes this feed's records."""
    return reverse("wire-push", kwargs={"slug": feed.slug})


class FeedForm(WagtailAdminModelForm):
    secret = forms.CharField(
        label=_("Geheimnis"),
        required=False,
        max_length=128,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret_clear = forms.BooleanField(
        label=_("Push abschalten"),
        required=False,
        help_text=_("Löscht das Geheimnis: Push-Lieferungen dieser Agentur werden abgewiesen."),
    )
    url = forms.URLField(
        label=_("Abruf-Adresse"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[
            URLValidator(schemes=["http", "https"], message=_("Nur http- oder https-Adressen."))
        ],
        help_text=Feed._meta.get_field("url").help_text,
    )
    default_section = forms.ModelChoiceField(
        label=_("Standard-Ressort"),
        queryset=SectionPage.objects.none(),
        required=False,
        empty_label=_("keines"),
        help_text=_("Für Meldungen, die keine Ressort-Zuordnung trifft."),
    )

    class Meta:
        model = Feed
        fields = [
            "name",
            "slug",
            "format",
            "secret",
            "url",
            "auto_publish",
            "default_section",
            "active",
        ]

    def __init__(self, *args: Any, secret_proposal: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_section"].queryset = sections_for_choice()  # type: ignore[attr-defined]
        secret = self.fields["secret"]
        if self.instance.pk is None:
            # Shown this once, in full, for the operator to hand to the agency.
            if not self.initial.get("secret"):
                self.initial["secret"] = secret_new()
            secret.help_text = _(
                "Frisch erzeugt: jetzt kopieren und der Agentur geben, es wird nach dem "
                "Speichern nicht mehr angezeigt. Die Agentur sendet „Authorization: Bearer "
                "<Geheimnis>“. Leer: Push ist abgeschaltet."
            )
            del self.fields["secret_clear"]
        else:
            # The stored secret is never rendered again; a proposal is shown this once.
            self.initial["secret"] = secret_proposal
            if secret_proposal:
                secret.help_text = _(
                    "Neu erzeugt: jetzt kopieren und der Agentur geben. Gilt erst nach dem "
                    "Speichern und wird danach nicht mehr angezeigt."
                )
            elif self.instance.secret:
                secret.help_text = _(
                    "Gesetzt (%(masked)s). Leer lassen: bleibt unverändert; "
                    "ein neuer Wert ersetzt es."
                ) % {"masked": secret_masked(self.instance.secret)}
            else:
                secret.help_text = _(
                    "Kein Geheimnis gesetzt: Push ist abgeschaltet. Ein Wert schaltet ihn ein."
                )

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data["secret"]
        if not secret and self.instance.pk is not None:
            # The form never shows the stored secret: empty means "unchanged".
            return str(self.instance.secret)
        if secret and len(secret) < SECRET_MIN_LENGTH:
            raise forms.ValidationError(
                _("Mindestens %(count)s Zeichen."), params={"count": SECRET_MIN_LENGTH}
            )
        return secret

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if cleaned.get("secret_clear"):
            cleaned["secret"] = ""
        return cleaned


class PushAddressPanel(HelpPanel):
    """The push address on the edit page, for the operator to copy (a new feed has none yet)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def is_shown(self) -> bool:
            return self.instance is not None and self.instance.pk is not None

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if self.is_shown():
                address = self.request.build_absolute_uri(push_path(self.instance))
                self.content = format_html(
                    '<p class="help">{}</p><p><code data-push-address>{}</code></p>'
                    '<p><a class="button button-small button-secondary" href="?{}=1" '
                    "data-new-secret>{}</a></p>",
                    _(
                        "Die Agentur liefert per POST an diese Adresse, mit dem Geheimnis als "
                        "„Authorization: Bearer <Geheimnis>“:"
                    ),
                    address,
                    NEW_SECRET_PARAM,
                    _("Neues Geheimnis erzeugen"),
                )


class FeedEditView(EditView):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        if self.request.method == "GET" and self.request.GET.get(NEW_SECRET_PARAM):
            kwargs["secret_proposal"] = secret_new()
        return kwargs


class FeedIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[Feed]:
        return feeds_for_admin()


class FeedViewSet(ModelViewSet):
    model = Feed
    name = FEEDS
    url_prefix = "agenturen/agenturen"
    icon = "site"
    menu_label = _("Agenturen")
    index_view_class = FeedIndexView
    edit_view_class = FeedEditView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name", "slug"]
    list_filter = ["format", "auto_publish", "active"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            PushAddressPanel(heading=_("Push-Adresse")),
            FieldPanel("format"),
            FieldPanel("secret"),
            FieldPanel("secret_clear"),
            FieldPanel("url"),
            FieldPanel("auto_publish"),
            FieldPanel("default_section"),
            FieldPanel("active"),
        ],
        base_form_class=FeedForm,
    )

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        return model_permissions(self.model)

    @cached_property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("name", label=_("Name"), url_name=self.get_url_name("edit")),
            Column("slug", label=_("Kennung")),
            Column("format", label=_("Format"), accessor="get_format_display"),
            Column(
                "push",
                label=_("Push"),
                accessor=lambda feed: _("an") if feed.secret else _("aus"),
            ),
            Column("secret", label=_("Geheimnis"), accessor=lambda f: secret_masked(f.secret)),
            Column("url", label=_("Abruf-Adresse"), accessor=lambda feed: feed.url or "–"),
            BooleanColumn("auto_publish", label=_("Automatisch veröffentlichen")),
            Column(
                "default_section",
                label=_("Standard-Ressort"),
                accessor=lambda feed: feed.default_section.title if feed.default_section else "–",
            ),
            Column(
                "last_polled_at",
                label=_("Zuletzt abgerufen"),
                accessor=lambda feed: berlin_text(feed.last_polled_at) or "–",
                sort_key="last_polled_at",
            ),
            BooleanColumn("active", label=_("Aktiv")),
        ]
