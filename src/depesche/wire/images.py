"""Agency pictures: a record's image associations become a Wagtail image on the article.

One rendition per picture is fetched over http(s) with timeouts and a size limit enforced
while streaming, then checked like an editor's upload (depesche.core.uploads: Wagtail's
extension, size and megapixel checks, and a full decode). A picture that cannot be fetched is
logged and left out: it never blocks the text. A picture's URL is fetched once
(WireImageSource); a newer version of the story reuses the image.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from http.client import HTTPMessage, HTTPResponse
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from depesche.core.text import credit_line, html_to_text, truncate_at_word
from depesche.core.uploads import CheckedImageField
from depesche.wire.formats.base import Rendition, WireImage
from depesche.wire.models import WireImageSource

logger = logging.getLogger(__name__)

# What Wagtail accepts (WAGTAILIMAGES_EXTENSIONS) by media type, with the file name's extension.
CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
CHUNK = 64 * 1024
# The timeout bounds each connect and each read; a server trickling a byte at a time would
# never hit it, so the whole download gets a deadline of this many timeouts too.
DOWNLOAD_TIMEOUTS = 6
# ArticlePage's field lengths.
CAPTION_MAX, CREDIT_MAX, ALT_MAX, TITLE_MAX = 500, 255, 255, 255
HREF_MAX = 1000  # WireImageSource.href


class ImageFetchError(Exception):
    """Why a picture was not fetched (the message is logged with the record id and URL)."""


class _NoRedirectsElsewhere(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s): urllib would also follow one to ftp://."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise ImageFetchError(f"redirected to a non-http address: {_shown(newurl)}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_NoRedirectsElsewhere)


def image_fields(*, images: list[WireImage], record_id: str, title: str) -> dict[str, Any]:
    """ArticlePage field values for the first of `images` that could be fetched (or had been
    before): {"image", "image_caption", "image_credit", "image_alt"}; None and empty texts
    when none could. Never raises: every failed picture is logged as one warning naming the
    record id, the URL and the reason, and the next picture is tried."""
    for picture in images:
        rendition = rendition_choose(renditions=picture.renditions)
        if rendition is None:
            logger.warning("Wire record %s: picture left out: no renditions", record_id)
            continue
        try:
            image = image_for_href(href=rendition.href, title=picture.caption or title)
        except ImageFetchError as exc:
            logger.warning(
                "Wire record %s: picture %s left out: %s", record_id, _shown(rendition.href), exc
            )
            continue
        caption = html_to_text(picture.caption)
        return {
            "image": image,
            "image_caption": truncate_at_word(caption, CAPTION_MAX),
            "image_credit": truncate_at_word(
                credit_line(html_to_text(picture.credit), "Foto"), CREDIT_MAX
            ),
            # Without an alt text from the agency the caption is the best description of the
            # picture there is; an empty alt would declare a news photo decorative.
            "image_alt": truncate_at_word(html_to_text(picture.alt) or caption, ALT_MAX),
        }
    return {"image": None, "image_caption": "", "image_credit": "", "image_alt": ""}


def rendition_choose(*, renditions: Sequence[Rendition]) -> Rendition | None:
    """The largest rendition at most WIRE_IMAGE_MAX_WIDTH wide, else the narrowest wider one,
    else one of unknown width (the agency did not say how large it is)."""
    limit = settings.WIRE_IMAGE_MAX_WIDTH
    known = [r for r in renditions if r.width]
    fitting = [r for r in known if r.width and r.width <= limit]
    if fitting:
        return max(fitting, key=lambda r: r.width or 0)
    if known:
        return min(known, key=lambda r: r.width or 0)
    return renditions[0] if renditions else None


def image_for_href(*, href: str, title: str) -> AbstractImage:
    """The Wagtail image of the picture at `href`: the one fetched before, else fetched now
    and stored through Wagtail's image storage. Raises ImageFetchError with the reason."""
    known = WireImageSource.objects.select_related("image").filter(href=href).first()
    if known is not None:
        return known.image
    if len(href) > HREF_MAX:
        raise ImageFetchError(f"address longer than {HREF_MAX} characters")
    data, content_type = image_fetch(href=href)
    upload = SimpleUploadedFile(_file_name(href, content_type), data, content_type)
    try:
        # The checks an editor's upload goes through: extension, size, megapixels, decoding.
        CheckedImageField().clean(upload)
    except ValidationError as exc:
        raise ImageFetchError(" ".join(exc.messages)) from exc
    image = get_image_model()(
        title=truncate_at_word(html_to_text(title), TITLE_MAX) or upload.name,
        file=upload,
    )
    upload.seek(0)
    try:
        with transaction.atomic():
            image._set_image_file_metadata()
            image.save()
            WireImageSource.objects.create(href=href, image=image)
    except IntegrityError:
        # Another worker stored the same picture meanwhile: use theirs (ours was rolled back;
        # its file stays behind in storage, as after any failed upload).
        known = WireImageSource.objects.select_related("image").filter(href=href).first()
        if known is None:
            raise ImageFetchError("stored by another process, then gone") from None
        return known.image
    except Exception as exc:
        # The media storage failed (a full disk, S3 down: botocore's errors are no OSError).
        # The savepoint rolled our rows back; the text must still be imported.
        raise ImageFetchError(f"storing failed: {exc!r}") from exc
    return image


def image_fetch(*, href: str) -> tuple[bytes, str]:
    """The bytes and media type at `href`. Raises ImageFetchError when the address is not
    http(s), the server fails or is too slow, the type is not a raster image Wagtail takes,
    or the picture is larger than WIRE_IMAGE_MAX_BYTES (refused before reading when the
    server announces it, else as soon as the download passes the limit)."""
    if urllib.parse.urlsplit(href).scheme not in ("http", "https"):
        raise ImageFetchError("only http and https addresses are fetched")
    timeout = settings.WIRE_IMAGE_TIMEOUT
    limit = settings.WIRE_IMAGE_MAX_BYTES
    request = urllib.request.Request(href, headers={"Accept": ", ".join(CONTENT_TYPES)})
    try:
        response: HTTPResponse
        with _opener.open(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            if content_type not in CONTENT_TYPES:
                raise ImageFetchError(f"not a picture type we take: {content_type}")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise ImageFetchError(f"too large: Content-Length {length} > {limit} bytes")
            deadline = time.monotonic() + DOWNLOAD_TIMEOUTS * timeout
            return _read_limited(response, limit, deadline), content_type
    except urllib.error.HTTPError as exc:
        raise ImageFetchError(f"HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise ImageFetchError(f"unreachable: {exc.reason}") from exc
    except TimeoutError as exc:
        raise ImageFetchError(f"no answer within {timeout:g} s") from exc
    except (OSError, ValueError) as exc:  # connection reset, malformed answer (http.client)
        raise ImageFetchError(f"fetch failed: {exc}") from exc


def _read_limited(response: HTTPResponse, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    # read1: whatever has arrived, so the deadline is checked even while a server trickles.
    while chunk := response.read1(CHUNK):
        size += len(chunk)
        if size > limit:
            raise ImageFetchError(f"too large: more than {limit} bytes")
        if time.monotonic() > deadline:
            raise ImageFetchError(f"download took longer than {DOWNLOAD_TIMEOUTS} timeouts")
        chunks.append(chunk)
    return b"".join(chunks)


def _file_name(href: str, content_type: str) -> str:
    """The URL's last path part as a safe file name, with the extension of its media type
    (Wagtail refuses a name whose extension does not match the picture)."""
    last = urllib.parse.unquote(urllib.parse.urlsplit(href).path.rsplit("/", 1)[-1])
    stem = slugify(last.rsplit(".", 1)[0] if "." in last else last)[:80].strip("-_")
    return f"{stem or 'agenturbild'}.{CONTENT_TYPES[content_type]}"


def _shown(href: str) -> str:
    """`href` for a log line without user, password and query: agencies sign picture URLs
    with tokens."""
    parts = urllib.parse.urlsplit(href)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
