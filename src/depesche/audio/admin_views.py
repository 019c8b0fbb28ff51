"""The pronunciation dictionary ("Aussprache") in the Wagtail admin: the snippet's listing and
form, and the preview that lets an editor hear a text as the voice reads it.

Saving or deleting an entry remakes the affected article audio (wagtail_hooks → scheduling)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.views.snippets import SnippetViewSet

from depesche.audio.engines import engine_from_settings
from depesche.audio.errors import SynthesisError
from depesche.audio.models import Pronunciation
from depesche.audio.script import Segment
from depesche.audio.selectors import lexicon_current
from depesche.audio.synthesis import synthesize_wav
from depesche.core.admin.permissions import forbidden

PREVIEW_URL_NAME = "audio_pronunciation_preview"
# A word or a short phrase: the preview synthesises while the editor waits.
PREVIEW_MAX_CHARS = 200
PREVIEW_JS = "depesche/pronunciation-preview.js"


def preview_url(text: str) -> str:
    return f"{reverse(PREVIEW_URL_NAME)}?{urlencode({'text': text})}"


def can_preview(user: Any) -> bool:
    return bool(
        user.has_perm("audio.view_pronunciation") or user.has_perm("audio.change_pronunciation")
    )


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_safe
@never_cache
def pronunciation_preview(request: HttpRequest) -> HttpResponse:
    """`?text=…` spoken by the configured voice, the dictionary applied as in article audio
    and the podcast: a WAV (browsers play it as it is). 400 for no or too long a text, 503
    with the engine's message when speech cannot be made here."""
    if not can_preview(request.user):
        return forbidden(gettext("Keine Berechtigung für die Aussprache."))
    text = request.GET.get("text", "").strip()
    if not any(char.isalnum() for char in text):
        return _plain(gettext("Bitte einen Text zum Anhören angeben."), 400)
    if len(text) > PREVIEW_MAX_CHARS:
        message = gettext("Höchstens %(max)d Zeichen zum Anhören (es sind %(count)d).") % {
            "max": PREVIEW_MAX_CHARS,
            "count": len(text),
        }
        return _plain(message, 400)
    try:
        wav = synthesize_wav(
            [Segment(title="", text=text)],
            engine=engine_from_settings(),
            lexicon=lexicon_current(),
        )
    except SynthesisError as exc:
        return _plain(str(exc), 503)
    response = HttpResponse(wav, content_type="audio/wav")
    response["Content-Disposition"] = 'inline; filename="aussprache.wav"'
    return response


class PronunciationForm(WagtailAdminModelForm):
    """The entry's form; pronunciation-preview.js puts an "Anhören" button beside the spoken
    form that plays what is typed there (CSP: no inline script, so the address travels in a
    data attribute)."""

    class Media:
        js = [PREVIEW_JS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "spoken" in self.fields:
            self.fields["spoken"].widget.attrs.update(
                {
                    "data-pronunciation-preview": reverse(PREVIEW_URL_NAME),
                    "data-pronunciation-label": gettext("Anhören"),
                }
            )


class PreviewColumn(Column):
    """A link that plays the entry's spoken form (the browser plays the WAV, no script needed;
    with the script it plays in place)."""

    cell_template_name = "audio/admin/preview_cell.html"

    class Media:
        js = [PREVIEW_JS]

    def get_cell_context_data(self, instance: Any, parent_context: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_cell_context_data(instance, parent_context)
        context["preview_url"] = preview_url(instance.spoken)
        return context


class PronunciationViewSet(SnippetViewSet):
    model = Pronunciation
    icon = "media"
    menu_label = _("Aussprache")
    menu_name = "aussprache"
    menu_order = 260  # after "Wochenrückblick" (250)
    add_to_admin_menu = True
    list_display = [
        "written",
        "spoken",
        BooleanColumn("whole_word", label=_("Nur ganzes Wort")),
        BooleanColumn("case_sensitive", label=_("Groß-/Kleinschreibung")),
        PreviewColumn("preview", label=_("Anhören"), accessor="spoken"),
    ]
    search_fields = ["written", "spoken"]
    edit_handler = ObjectList(
        [
            FieldPanel("written"),
            FieldPanel("spoken"),
            FieldPanel("whole_word"),
            FieldPanel("case_sensitive"),
        ],
        base_form_class=PronunciationForm,
    )
