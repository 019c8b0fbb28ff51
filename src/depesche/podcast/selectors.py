from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from depesche.podcast.models import Episode

FEED_EPISODES = 100


def episodes_published() -> QuerySet[Episode]:
    """Published episodes, newest first."""
    return Episode.objects.filter(published_at__lte=timezone.now()).order_by("-published_at")
