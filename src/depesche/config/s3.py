"""The bucket storage for media (DEPESCHE_MEDIA_BUCKET set), see config/storage.py."""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage

from depesche.config.storage import PRIVATE_PREFIXES


class MediaStorage(S3Storage):
    """S3Storage that stores documents private (readable only with the app's credentials)."""

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = dict(super().get_object_parameters(name))
        # Files that must not be readable by their URL: documents of private collections are
        # served only through Wagtail's document view, which checks the collection's restriction.
        if name.startswith(PRIVATE_PREFIXES):
            params["ACL"] = "private"
            params["CacheControl"] = "private, no-store"
        return params
