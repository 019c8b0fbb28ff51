"""Image uploads: only real raster images of bounded size get in, through every upload path."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection

Image = get_image_model()
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def raster(fmt: str = "PNG", size: tuple[int, int] = (40, 30), mode: str = "RGB", **kw) -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size, "#0a6").save(buffer, fmt, **kw)
    return buffer.getvalue()


def png_with_html_comment() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<html><body><script>alert(document.cookie)</script></body></html>")
    return raster("PNG", pnginfo=info)


def jpeg_with_script_comment() -> bytes:
    return raster("JPEG", comment=b"<script src=//evil.example/x.js></script>")


def truncated_png() -> bytes:
    """The first half of a real PNG: the header is right, the pixel data ends early."""
    buffer = io.BytesIO()
    PILImage.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3)).save(buffer, "PNG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def oversized_png() -> bytes:
    """A real PNG just over WAGTAILIMAGES_MAX_UPLOAD_SIZE (random pixels do not compress)."""
    side = int((settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE / 3) ** 0.5) + 20
    buffer = io.BytesIO()
    PILImage.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(
        buffer, "PNG", compress_level=1
    )
    data = buffer.getvalue()
    assert len(data) > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    return data


def too_many_pixels() -> bytes:
    """One pixel over WAGTAILIMAGES_MAX_IMAGE_PIXELS, yet a small file (1 bit per pixel)."""
    width = 8000
    height = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // width + 1
    return raster("PNG", size=(width, height), mode="1")


REJECTED = {
    "text renamed .jpg": ("notiz.jpg", lambda: b"Das ist kein Bild, nur Text.\n" * 50),
    "html renamed .png": ("seite.png", lambda: b"<!doctype html><script>alert(1)</script>"),
    "svg": ("grafik.svg", lambda: SVG),
    "svg renamed .png": ("grafik.png", lambda: SVG),
    "png named .jpg": ("foto.jpg", lambda: raster("PNG")),
    "pdf renamed .png": ("brief.png", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
    "png header then garbage": ("bild.png", lambda: raster("PNG")[:16] + os.urandom(4000)),
    "truncated png": ("bild.png", truncated_png),
    "png with html appended": (
        "bild.png",
        lambda: raster("PNG") + b"<html><script>alert(1)</script></html>",
    ),
    "png with zip appended": ("bild.png", lambda: raster("PNG") + b"PK\x03\x04" + os.urandom(200)),
    "gif with zip appended": ("bild.gif", lambda: raster("GIF") + b"PK\x03\x04" + os.urandom(64)),
    "webp with data appended": ("bild.webp", lambda: raster("WEBP") + os.urandom(64)),
    "gif with script appended": ("bild.gif", lambda: raster("GIF") + b"/*<script>*/"),
    "png with html in a text chunk": ("bild.png", png_with_html_comment),
    "jpeg with script in a comment": ("bild.jpg", jpeg_with_script_comment),
    "over the size limit": ("gross.png", oversized_png),
    "over the pixel limit": ("riesig.png", too_many_pixels),
    "empty": ("leer.png", lambda: b""),
}
ACCEPTED = {
    "png": ("bild.png", lambda: raster("PNG")),
    "jpeg": ("foto.jpg", lambda: raster("JPEG")),
    "jpeg as .jpeg": ("foto.jpeg", lambda: raster("JPEG", quality=80)),
    "gif": ("anim.gif", lambda: raster("GIF")),
    "webp": ("bild.webp", lambda: raster("WEBP")),
}


def stored_files() -> list[str]:
    try:
        return default_storage.listdir("original_images")[1]
    except FileNotFoundError:
        return []


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """A new in-memory default storage: files other tests stored do not count here."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert stored_files() == []


@pytest.fixture
def editor(db):
    """An editor of the default Editors group (not a superuser)."""
    user = get_user_model().objects.create_user("redakteur", "e@example.org", "x" * 20)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def browser(client, editor):
    client.force_login(editor)
    return client


def test_the_accepted_formats_and_limits_are_configured():
    assert settings.WAGTAILIMAGES_EXTENSIONS == ["gif", "jpg", "jpeg", "png", "webp"]
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000


@pytest.mark.parametrize("case", list(REJECTED))
def test_admin_upload_rejects(browser, case):
    name, make = REJECTED[case]
    response = browser.post(
        "/admin/images/add/",
        {"title": case, "file": SimpleUploadedFile(name, make()), "collection": root_id()},
    )
    assert response.status_code == 200  # the form again, with its error
    errors = response.context["form"].errors
    assert "file" in errors, errors
    assert not Image.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_admin_upload_accepts_real_images(browser, case):
    name, make = ACCEPTED[case]
    response = browser.post(
        "/admin/images/add/",
        {"title": case, "file": SimpleUploadedFile(name, make()), "collection": root_id()},
    )
    assert response.status_code == 302, response.context["form"].errors
    image = Image.objects.get()
    assert (image.width, image.height) == (40, 30)
    assert len(stored_files()) == 1


@pytest.mark.parametrize(
    "case", ["text renamed .jpg", "svg", "png with html appended", "png header then garbage"]
)
def test_multiple_upload_and_chooser_upload_reject_too(browser, case):
    name, make = REJECTED[case]
    response = browser.post(
        "/admin/images/multiple/add/", {"files[]": SimpleUploadedFile(name, make())}
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    response = browser.post(
        "/admin/images/chooser/create/",
        {
            "image-chooser-upload-title": case,
            "image-chooser-upload-file": SimpleUploadedFile(name, make()),
            "image-chooser-upload-collection": root_id(),
        },
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Image.objects.exists()
    assert stored_files() == []


def test_multiple_upload_accepts_a_real_image(browser):
    response = browser.post(
        "/admin/images/multiple/add/", {"files[]": SimpleUploadedFile("a.png", raster())}
    )
    assert response.json()["success"] is True
    assert Image.objects.count() == 1


def test_the_image_form_itself_rejects_and_accepts(editor):
    form_class = get_image_form(Image)
    for case, (name, make) in REJECTED.items():
        if case in {"over the size limit", "over the pixel limit"}:
            continue  # above, through the admin; no need to build them twice
        form = form_class(
            data={"title": case, "collection": root_id()},
            files={"file": SimpleUploadedFile(name, make())},
            user=editor,
        )
        assert not form.is_valid(), case
        assert "file" in form.errors, case
    form = form_class(
        data={"title": "gut", "collection": root_id()},
        files={"file": SimpleUploadedFile("gut.png", raster())},
        user=editor,
    )
    assert form.is_valid(), form.errors
    form.save()
    assert Image.objects.count() == 1


def test_editing_an_image_without_a_new_file_still_works(browser):
    browser.post(
        "/admin/images/add/",
        {"title": "alt", "file": SimpleUploadedFile("a.png", raster()), "collection": root_id()},
    )
    image = Image.objects.get()
    response = browser.post(f"/admin/images/{image.pk}/", {"title": "neu", "collection": root_id()})
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.title == "neu"


def root_id() -> str:
    return str(Collection.get_first_root_node().pk)


# --- documents ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "limit", "error"),
    [
        ("seite.html", b"<html><script>alert(1)</script></html>", None, "Dateiendung „html“"),
        ("bild.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", None, "Dateiendung „svg“"),
        ("gross.pdf", b"%PDF-1.4\n" + b"0" * 64, 32, "zu groß"),
    ],
)
def test_admin_document_upload_rejects(browser, settings, name, content, limit, error):
    from wagtail.documents.models import Document

    if limit is not None:
        settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = limit  # the real 50 MB, checked the same way
    response = browser.post(
        "/admin/documents/add/",
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": root_id()},
    )
    assert response.status_code == 200  # the form again, with its error
    messages = " ".join(response.context["form"].errors.get("file", []))
    assert error in messages, messages
    assert not Document.objects.exists()


def test_admin_document_upload_accepts_a_pdf(browser):
    from wagtail.documents.models import Document

    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 50 * 1024 * 1024
    response = browser.post(
        "/admin/documents/add/",
        {
            "title": "Bericht",
            "file": SimpleUploadedFile("bericht.pdf", b"%PDF-1.4\n%%EOF\n"),
            "collection": root_id(),
        },
    )
    assert response.status_code == 302
    assert Document.objects.get().title == "Bericht"
