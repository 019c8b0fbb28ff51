"""Documents of a private collection are read only through Wagtail's document view, which asks
for the collection's password; /media/ (site/urls.py) does not hand them out as plain files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponseBase
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

SECRET = b"Vertraulich: Entwurf der Recherche zum Hafenausbau, nicht zur Veroeffentlichung.\n"
PUBLIC = b"Pressemitteilung: Tag der offenen Tuer im Rathaus.\n"
PASSWORD = "geheim-2026"


@pytest.fixture
def media_on_disk(settings, tmp_path) -> Path:
    """Media in a temporary folder, as without DEPESCHE_MEDIA_BUCKET (the test settings keep
    them in memory, which has no files for /media/ to serve)."""
    assert settings.SERVE_MEDIA is True
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return root


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "#0a6").save(buffer, "PNG")
    return buffer.getvalue()


def body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def document(title: str, name: str, content: bytes, collection: Collection):
    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name), collection=collection
    )


@pytest.fixture
def intern(db) -> Collection:
    collection = Collection.get_first_root_node().add_child(name="Intern")
    CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password=PASSWORD,
    )
    return collection


def test_a_private_document_is_not_a_plain_file_under_media(media_on_disk, intern):
    doc = document("Entwurf", "entwurf.txt", SECRET, intern)
    assert doc.file.name.startswith("documents/")
    assert (media_on_disk / doc.file.name).read_bytes() == SECRET
    response = Client().get(f"/media/{doc.file.name}")
    assert response.status_code == 404
    assert SECRET not in body(response)


def test_a_private_document_is_served_only_after_its_password(media_on_disk, intern):
    doc = document("Entwurf", "entwurf.txt", SECRET, intern)
    assert doc.url == f"/documents/{doc.pk}/entwurf.txt"
    client = Client(REMOTE_ADDR="198.51.100.7")

    asked = client.get(doc.url)
    assert asked.status_code == 200
    assert SECRET not in body(asked)
    restriction = intern.view_restrictions.get()
    action = f"/documents/authenticate_with_password/{restriction.pk}/"
    assert f'action="{action}"' in asked.content.decode()

    wrong = client.post(action, {"password": "falsch", "return_url": doc.url})
    assert wrong.status_code == 200 and SECRET not in body(wrong)
    assert SECRET not in body(client.get(doc.url))

    passed = client.post(action, {"password": PASSWORD, "return_url": doc.url})
    assert passed.status_code == 302 and passed["Location"] == doc.url
    served = client.get(doc.url)
    assert served.status_code == 200
    assert body(served) == SECRET
    # Another browser has not passed the restriction.
    assert SECRET not in body(Client().get(doc.url))


def test_a_public_document_is_served_by_the_document_view(media_on_disk, db):
    root = Collection.get_first_root_node()
    doc = document("Pressemitteilung", "mitteilung.txt", PUBLIC, root)
    response = Client().get(doc.url)
    assert response.status_code == 200
    assert body(response) == PUBLIC
    assert response["X-Content-Type-Options"] == "nosniff"


def test_images_and_audio_are_still_served_under_media(media_on_disk, db):
    image = get_image_model().objects.create(
        title="Hafen", file=ContentFile(png(), name="hafen.png")
    )
    rendition = image.get_rendition("fill-20x15")
    audio = media_on_disk / "audio" / "artikel-1.mp3"
    audio.parent.mkdir()
    audio.write_bytes(b"ID3\x04\x00" + bytes(range(256)) * 4)
    for name, content in [
        (image.file.name, (media_on_disk / image.file.name).read_bytes()),
        (rendition.file.name, (media_on_disk / rendition.file.name).read_bytes()),
        ("audio/artikel-1.mp3", audio.read_bytes()),
    ]:
        response = Client().get(f"/media/{name}")
        assert response.status_code == 200, name
        assert body(response) == content


@pytest.mark.parametrize(
    "path",
    [
        "/media//{name}",
        "/media/./{name}",
        "/media/images/../{name}",
        "/media/DOCUMENTS/../{name}",
        "/media/%64ocuments/{base}",
        "/media/documents%2F{base}",
    ],
)
def test_no_spelling_of_the_path_reaches_a_private_document(media_on_disk, intern, path):
    doc = document("Entwurf", "entwurf.txt", SECRET, intern)
    url = path.format(name=doc.file.name, base=doc.filename)
    response = Client().get(url)
    assert response.status_code == 404, url
    assert SECRET not in body(response)
