"""Agency pictures (interim stub until the picture fetcher lands)."""

from __future__ import annotations

from typing import Any

from depesche.wire.formats.base import WireImage


def image_fields(*, images: list[WireImage], record_id: str, title: str) -> dict[str, Any]:
    return {}
