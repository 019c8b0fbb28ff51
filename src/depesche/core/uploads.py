"""Image uploads are checked beyond what Wagtail checks.

Wagtail (WagtailImageField) already refuses files whose extension is not in
WAGTAILIMAGES_EXTENSIONS, whose header does not match their extension, that are larger than
WAGTAILIMAGES_MAX_UPLOAD_SIZE or have more pixels than WAGTAILIMAGES_MAX_IMAGE_PIXELS. It only
reads the header, though: a file that starts like a PNG and continues as anything else passes.
Here every new upload is decoded completely with Pillow, and refused when it does not decode,
or when it carries markup or script a browser could be tricked into running (polyglots), or
trailing data after the image's end.
"""

from __future__ import annotations

import logging
import re
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

logger = logging.getLogger(__name__)

# Markup and code a browser or server might execute if the file were ever served as such.
_ACTIVE_CONTENT = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|\?php)\b|<!doctype|javascript:",
    re.IGNORECASE,
)
_PNG_END = b"IEND\xaeB`\x82"


def image_bytes_problem(data: bytes) -> str | None:
    """Why these bytes are not an acceptable raster image; None when they are."""
    if _ACTIVE_CONTENT.search(data):
        return _("Die Datei enthält neben dem Bild Code oder HTML.")
    try:
        with PILImage.open(BytesIO(data)) as probe:
            probe.verify()  # structure and checksums (PNG CRCs), without decoding
        with PILImage.open(BytesIO(data)) as image:
            image_format = image.format
            image.load()  # every pixel: truncated or garbled data fails here
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        return _("Die Datei ist kein vollständiges, lesbares Bild.")
    # Data after the image's end marker is how image/archive polyglots (e.g. GIF + ZIP) are
    # built. JPEG is left out: phones append their own data (motion photos) to photos.
    trailing = (
        (image_format == "PNG" and not data.endswith(_PNG_END))
        or (image_format == "GIF" and not data.endswith(b";"))
        or (image_format == "WEBP" and int.from_bytes(data[4:8], "little") + 8 != len(data))
    )
    if trailing:
        return _("Hinter dem Bild folgen weitere Daten.")
    return None


class CheckedImageField(WagtailImageField):
    """WagtailImageField whose image checks never raise anything but a form error."""

    def to_python(self, data: Any) -> Any:
        try:
            file = super().to_python(data)
        except ValidationError:
            raise
        except Exception as exc:  # Willow/Pillow on a file that only starts like an image
            logger.info("image upload refused: %s", exc)
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc
        if isinstance(file, UploadedFile):
            file.seek(0)
            problem = image_bytes_problem(file.read())
            file.seek(0)
            if problem:
                raise ValidationError(problem, code="invalid_image")
        return file


class CheckedImageForm(BaseImageForm):
    """Wagtail's image form base (WAGTAILIMAGES_IMAGE_FORM_BASE): every upload path in the
    admin (single, multiple, chooser) builds its form on it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        # get_image_form() builds the field itself (formfield_callback), so a base form cannot
        # declare it; it is made our subclass here, with all its settings kept.
        if isinstance(field, WagtailImageField):
            field.__class__ = CheckedImageField
