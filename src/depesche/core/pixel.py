"""The 1×1 GIF that counting beacons (article reads, ad impressions) answer with."""

from __future__ import annotations

import base64

from django.http import HttpResponse

# The smallest transparent 1×1 GIF (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def pixel_response(status: int = 200) -> HttpResponse:
    """The pixel, never stored: every load of the page reaches the server and counts."""
    response = HttpResponse(PIXEL, content_type="image/gif", status=status)
    response["Cache-Control"] = "no-store"
    return response
