"""Web Push for browsers: the service worker, subscribe and unsubscribe (JSON, checked by the
request's Origin), and /push/, where a browser sees and edits what it follows."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from depesche.audience import push
from depesche.core.csrf import csrf_origin_protect

# A subscription and a hundred topics fit in far less.
MAX_BODY = 16_384


def _error(message: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _answer(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY:
        raise push.PushInvalid(f"request body larger than {MAX_BODY} bytes")
    if request.content_type != "application/json":
        raise push.PushInvalid("send JSON (Content-Type: application/json)")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise push.PushInvalid(f"body is not JSON ({exc})") from exc


@csrf_origin_protect
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    """{"subscription": {...}, "topics": [...]} → 201 {"topics": [all followed]}."""
    try:
        data = _body(request)
        subscription = push.parse_subscription(data)
        topics = push.parse_topics(data, required=True) or []
        followed = push.push_subscribe(subscription=subscription, topics=topics)
    except push.PushInvalid as exc:
        return _error(str(exc))
    return _answer({"topics": followed}, status=201)


@csrf_origin_protect
@require_POST
def unsubscribe(request: HttpRequest) -> HttpResponse:
    """{"subscription": {...}} removes the subscription; with "topics", only those topics.
    Answers {"topics": [still followed]}; 404 for a subscription we do not hold."""
    try:
        data = _body(request)
        subscription = push.parse_subscription(data)
        topics = push.parse_topics(data, required=False)
        left = push.push_unsubscribe(subscription=subscription, topics=topics)
    except push.PushInvalid as exc:
        return _error(str(exc))
    if left is None:
        return _error("unknown subscription", status=404)
    return _answer({"topics": left})


@csrf_origin_protect
@require_POST
def renew(request: HttpRequest) -> HttpResponse:
    """{"subscription": new, "replaces": old} → 201 {"topics": [...]}: the service worker's
    answer to `pushsubscriptionchange` (the push service renewed or expired the browser's
    subscription). 404 when we hold no such old subscription."""
    try:
        data = _body(request)
        subscription = push.parse_subscription(data)
        replaces = push.parse_subscription(data, "replaces")
        followed = push.push_renew(subscription=subscription, replaces=replaces)
    except push.PushInvalid as exc:
        return _error(str(exc))
    if followed is None:
        return _error("unknown subscription", status=404)
    return _answer({"topics": followed}, status=201)


@csrf_origin_protect
@require_POST
def topics(request: HttpRequest) -> HttpResponse:
    """{"subscription": {...}} → {"topics": [...]}: what /push/ shows this browser."""
    try:
        subscription = push.parse_subscription(_body(request))
    except push.PushInvalid as exc:
        return _error(str(exc))
    followed = push.push_topics(subscription=subscription)
    return _answer({"topics": followed or []})


@never_cache
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """/push/: the page's script asks the browser for its subscription and lists its topics
    (the page itself is the same for everyone)."""
    return render(request, "audience/push.html", {"vapid_public_key": settings.VAPID_PUBLIC_KEY})


@require_GET
@cache_control(max_age=300)
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js at the root: a service worker controls the paths below its own, and push
    subscriptions belong to the whole site."""
    response = render(
        request,
        "audience/sw.js",
        {"vapid_public_key": settings.VAPID_PUBLIC_KEY},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response
