from __future__ import annotations

from typing import Any

from django import template

from depesche.audience.forms import SignupForm
from depesche.audience.texts import form_initial, shown_texts

register = template.Library()


@register.simple_tag
def newsletter_dialog() -> dict[str, Any]:
    """Texts and an empty form for the newsletter dialog, with the versions shown."""
    texts = shown_texts()
    return {"texts": texts, "form": SignupForm(initial=form_initial(texts))}
