"""Fixed-window rate limits in Django's shared cache.

Written here rather than taken from django-ratelimit because that library refuses the
database cache, which is our embedded default. `cache.incr` is atomic on Redis; on the database
cache two simultaneous requests may both count as one, which a sign-up limit can tolerate.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/h" → (5, 3600); units s, m, h, d."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip().lower()[:1]]
    return int(count), seconds


def hit(group: str, key: str, rate: str) -> bool:
    """Count one attempt for (group, key); True when it goes over the rate."""
    limit, window = parse_rate(rate)
    bucket = int(time.time() // window)
    digest = hashlib.sha256(f"{group}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{group}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 5)
            count = 1
    return count > limit
