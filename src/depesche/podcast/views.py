"""The podcast's public pages: episode list, episode page, feed, chapters, transcript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from depesche.podcast.feed import podcast_feed
from depesche.podcast.selectors import FEED_EPISODES, episodes_published
from depesche.podcast.transcript import cues


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "podcast/index.html", {"episodes": episodes_published()[:50]})


def episode(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(episodes_published(), slug=slug)
    return render(
        request,
        "podcast/episode.html",
        {
            "episode": item,
            "chapters": item.chapters.get("chapters", []),
            "cues": cues(item.transcript_vtt),
        },
    )


def feed(request: HttpRequest) -> HttpResponse:
    body = podcast_feed(episodes_published()[:FEED_EPISODES])
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")


def chapters(request: HttpRequest, slug: str) -> JsonResponse:
    item = get_object_or_404(episodes_published(), slug=slug)
    response = JsonResponse(item.chapters)
    response["Content-Type"] = "application/json+chapters"
    return response


def transcript(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(episodes_published(), slug=slug)
    return HttpResponse(item.transcript_vtt, content_type="text/vtt; charset=utf-8")
