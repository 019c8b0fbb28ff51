"""Origins the Content-Security-Policy must allow for media (images, article audio, podcast).

Media lie on our own origin unless the default storage is S3-compatible (django-storages):
then they come from its custom domain (a CDN), or from its endpoint, path-style
(endpoint/bucket/key) or virtual-hosted (bucket.endpoint/key), or from AWS itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def media_origins(storage: Mapping[str, Any], media_url: str) -> list[str]:
    """Origins (scheme://host[:port]) media URLs can have besides our own; sorted, no repeats."""
    options: Mapping[str, Any] = storage.get("OPTIONS") or {}
    origins = {_origin(media_url)}
    protocol = str(options.get("url_protocol") or "https:").rstrip(":")
    bucket = str(options.get("bucket_name") or "")
    endpoint = str(options.get("endpoint_url") or "")
    if options.get("custom_domain"):
        # django-storages then builds every URL on the custom domain.
        origins.add(_origin(f"{protocol}://{options['custom_domain']}"))
    elif endpoint:
        origins.add(_origin(endpoint))
        parts = urlsplit(endpoint)
        if bucket and parts.netloc:
            origins.add(f"{parts.scheme}://{bucket}.{parts.netloc}")
    elif bucket:
        region = options.get("region_name")
        origins.add(f"https://{bucket}.s3.amazonaws.com")
        if region:
            origins.add(f"https://{bucket}.s3.{region}.amazonaws.com")
    return sorted(origin for origin in origins if origin)
