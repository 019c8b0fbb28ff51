from __future__ import annotations

from typing import Any

from django import template

from depesche.audio.engines import voice_name
from depesche.audio.selectors import article_audio_ready

register = template.Library()


@register.inclusion_tag("audio/_article_player.html")
def article_audio(page: Any) -> dict[str, Any]:
    """The "Artikel anhören" player, or nothing while the audio does not exist yet."""
    return {"audio": article_audio_ready(article_id=page.pk)}


@register.filter
def clock(seconds: float | None) -> str:
    """192.4 → "3:12"."""
    total = round(seconds or 0)
    return f"{total // 60}:{total % 60:02d}"


@register.filter
def iso_duration(seconds: float | None) -> str:
    """192.4 → "PT3M12S" (the datetime attribute of <time> for durations)."""
    total = round(seconds or 0)
    return f"PT{total // 60}M{total % 60}S"


@register.filter
def voice(engine: str | None) -> str:
    """ "pico" → "SVOX Pico": the synthetic voice named as listeners are told."""
    return voice_name(engine or "")
