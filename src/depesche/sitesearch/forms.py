from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from depesche.newsroom.models import SectionPage

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
    ressort = forms.ChoiceField(label=_("Ressort"), required=False)
    von = forms.DateField(
        label=pgettext_lazy("Zeitraum", "Von"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte ein Datum wie 2026-11-25 angeben.")},
    )
    bis = forms.DateField(
        label=pgettext_lazy("Zeitraum", "Bis"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte ein Datum wie 2026-11-25 angeben.")},
    )

    def __init__(self, *args: Any, sections: list[SectionPage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {section.slug: section for section in sections}
        choices = [("", _("Alle Ressorts"))]
        choices += [(section.slug, section.title) for section in sections]
        self.fields["ressort"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("von"), data.get("bis")
        if since and until and since > until:
            self.add_error("bis", _("„Bis“ liegt vor „Von“."))
        return data

    def describe_errors(self) -> None:
        """Point each field with an error at its message, for screen readers."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )

    def section(self) -> SectionPage | None:
        return self.sections.get(self.cleaned_data.get("ressort") or "")
