"""The click endpoint: /anzeige/<token>/ counts the click and redirects to the campaign's target."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from depesche.ads.services import CampaignNotFound, ad_click_record, ad_impression_from_token
from depesche.core.pixel import pixel_response
from depesche.core.tokens import TokenInvalid

logger = logging.getLogger(__name__)


@require_safe
def ad_click(request: HttpRequest, token: str) -> HttpResponse:
    """302 to the target of the campaign the signed token names; the token carries no URL, so
    the endpoint can never be made to redirect anywhere else. Tampered: 400; campaign gone:
    404. Reads nothing about the reader and sets no cookie; HEAD requests (link checkers)
    do not count."""
    try:
        target = ad_click_record(token=token, count=request.method == "GET")
    except CampaignNotFound:
        response = render(request, "ads/click_error.html", {"gone": True}, status=404)
    except TokenInvalid as exc:
        logger.info("ads: rejected click token: %s", exc)
        response = render(request, "ads/click_error.html", {"gone": False}, status=400)
    else:
        response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def ad_impression(request: HttpRequest, token: str) -> HttpResponse:
    """The ad's beacon: counts one impression and answers with a pixel; 400 for a tampered
    token, 404 for a campaign that is gone. Reads nothing about the reader; HEAD requests do
    not count; `no-store` makes every load reach the server."""
    status = 200
    if request.method == "GET":
        try:
            ad_impression_from_token(token=token)
        except CampaignNotFound:
            status = 404
        except TokenInvalid as exc:
            logger.info("ads: rejected impression token: %s", exc)
            status = 400
    response = pixel_response(status)
    response["X-Robots-Tag"] = "noindex"
    return response
