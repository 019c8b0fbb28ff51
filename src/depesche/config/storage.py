"""STORAGES["default"] (media: images, article audio, podcast episodes) for DEPESCHE_MEDIA_*.

Without DEPESCHE_MEDIA_BUCKET media lie in DEPESCHE_DATA_DIR/media and the app serves them; with
it, django-storages' S3Storage keeps them in that bucket (AWS S3 or any S3-compatible store)
and links point to the bucket or to DEPESCHE_MEDIA_CUSTOM_DOMAIN (a CDN in front of it).

Documents (Wagtail's `documents/`) are the exception: a document in a private collection may
be read only after its restriction is passed, so they are never served as plain files. On disk
the app's /media/ route leaves them out; in a bucket they are stored private; both are read
only through Wagtail's document view (WAGTAILDOCS_SERVE_METHOD = "serve_view").
"""

from __future__ import annotations

from typing import Any

from depesche.config import env

# Its own module: boto3 is imported only when a bucket is configured.
MEDIA_STORAGE = "depesche.config.s3.MediaStorage"

# Media never served as plain files: Wagtail's documents, whose collection may be private.
PRIVATE_PREFIXES = ("documents/",)


def media_storage() -> dict[str, Any]:
    """The entry for STORAGES["default"]."""
    bucket = env.get_str("DEPESCHE_MEDIA_BUCKET").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": env.get_str("DEPESCHE_MEDIA_ENDPOINT_URL").strip() or None,
        "region_name": env.get_str("DEPESCHE_MEDIA_REGION").strip() or None,
        "access_key": env.get_str("DEPESCHE_MEDIA_ACCESS_KEY") or None,
        "secret_key": env.get_str("DEPESCHE_MEDIA_SECRET_KEY") or None,
        "custom_domain": env.get_str("DEPESCHE_MEDIA_CUSTOM_DOMAIN").strip() or None,
        # Media are public (images, audio, podcast episodes): plain URLs that a CDN can cache,
        # not signed ones that expire inside cached pages and feeds.
        "querystring_auth": False,
        "default_acl": None,
        # A second upload under the same name gets a new one instead of replacing a file that
        # caches and podcast apps may still hold.
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000"},
    }
    return {
        "BACKEND": MEDIA_STORAGE,
        "OPTIONS": {key: value for key, value in options.items() if value is not None},
    }


def serve_media() -> bool:
    """The app serves media itself only when they lie on its own disk."""
    return not env.get_str("DEPESCHE_MEDIA_BUCKET").strip()
