from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from depesche.newsroom import selectors


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    """Navigation and footer links for every page; evaluated lazily by the templates."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_sections": selectors.sections_live,
        "footer_pages": selectors.legal_pages,
    }
