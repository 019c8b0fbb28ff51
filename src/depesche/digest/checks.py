"""System checks of the Wochenrückblick's settings: refused at start-up, not at the first build."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error

from depesche.digest.summaries import summary_url_problem


def summary_url_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """DEPESCHE_SUMMARY_URL receives the week's articles and the bearer token: https only,
    plain http only to this machine. (The client refuses such a URL at call time too.)"""
    url = settings.SUMMARY_URL
    problem = summary_url_problem(url) if url else None
    if problem is None:
        return []
    return [
        Error(
            f"DEPESCHE_SUMMARY_URL {problem}.",
            hint="Use the endpoint's https:// address, or leave the variable empty for "
            "extractive summaries.",
            id="depesche.E010",
        )
    ]
