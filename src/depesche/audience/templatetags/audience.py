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
    # Its own id prefix: /newsletter/ and the tag-follow page show a second sign-up form.
    form = SignupForm(initial=form_initial(texts), auto_id="modal-%s")
    return {"texts": texts, "form": form}


@register.simple_tag
def follow_consent() -> Any:
    """The follow consent text shown next to [+]; the one-click follow records this version."""
    return shown_texts(follow=True).consent_html
