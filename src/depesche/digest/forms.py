"""The Wochenrückblick's edit form in the Wagtail admin."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from depesche.digest import selectors

LOCKED_MESSAGE = _(
    "Dieser Wochenrückblick ist freigegeben oder versendet: Themen können nicht mehr geändert, "
    "hinzugefügt, umsortiert oder entfernt werden."
)


class DigestForm(WagtailAdminModelForm):
    """Topics offer the period's articles (not every article ever published) and are frozen
    once the digest is approved or sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("topics")
        if formset is None:
            return
        choices = selectors.article_choices(digest=self.instance)
        parent = formset.form

        def narrowed_init(form: Any, *a: Any, **kw: Any) -> None:
            parent.__init__(form, *a, **kw)
            field = form.fields["articles"]
            field.queryset = choices
            field.help_text = _("Artikel des Zeitraums; Strg- bzw. ⌘-Klick wählt mehrere.")

        # Per form instance, so concurrent requests never share a narrowed class attribute.
        formset.form = type(parent.__name__, (parent,), {"__init__": narrowed_init})

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self.instance.pk is not None and self.instance.is_locked:
            changed = self.has_changed() or any(
                formset.has_changed() for formset in self.formsets.values()
            )
            if changed:
                raise ValidationError(LOCKED_MESSAGE, code="locked")
        return cleaned
