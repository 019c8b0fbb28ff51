"""Media on S3-compatible storage (config/storage.py): a real S3 API server on loopback
(moto's ThreadedMotoServer), django-storages' S3Storage configured from DEPESCHE_MEDIA_*."""

from __future__ import annotations

import io

import boto3
import pytest
from django.core.files.images import ImageFile
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage
from wagtail.images import get_image_model

from depesche.config.storage import media_storage, serve_media
from depesche.podcast.services import episode_publish
from tests.factories import publish_article

BUCKET = "depesche-media"
CDN = "media.example.de"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """An empty bucket; media storage points to it, links to the CDN host."""
    for name, value in {
        "DEPESCHE_MEDIA_BUCKET": BUCKET,
        "DEPESCHE_MEDIA_ENDPOINT_URL": s3_endpoint,
        "DEPESCHE_MEDIA_REGION": "eu-central-1",
        "DEPESCHE_MEDIA_ACCESS_KEY": "testing",
        "DEPESCHE_MEDIA_SECRET_KEY": "testing",
        "DEPESCHE_MEDIA_CUSTOM_DOMAIN": CDN,
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    assert serve_media() is False
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def keys(client) -> dict[str, int]:
    """Object keys in the bucket and their sizes."""
    return {o["Key"]: o["Size"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_without_a_bucket_media_stay_on_disk(monkeypatch):
    monkeypatch.delenv("DEPESCHE_MEDIA_BUCKET", raising=False)
    assert media_storage()["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert serve_media() is True


@pytest.mark.django_db
def test_an_uploaded_image_and_its_rendition_land_in_the_bucket(bucket):
    image = get_image_model().objects.create(
        title="Hafen", file=ImageFile(io.BytesIO(jpeg()), name="hafen.jpg")
    )
    rendition = image.get_rendition("fill-320x240")
    stored = keys(bucket)
    assert image.file.name in stored and rendition.file.name in stored
    body = bucket.get_object(Bucket=BUCKET, Key=rendition.file.name)["Body"].read()
    assert PILImage.open(io.BytesIO(body)).size == (320, 240)
    assert rendition.url == f"https://{CDN}/{rendition.file.name}"


@pytest.mark.django_db
def test_a_podcast_episode_is_stored_in_the_bucket_and_the_feed_links_it(bucket):
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40
    episode = episode_publish(
        title="Wochenrückblick 48/2026",
        description="Drei Themen.",
        mp3=mp3,
        duration_s=3.0,
        chapters={"version": "1.2.0", "chapters": []},
        transcript_vtt="WEBVTT\n",
    )
    assert keys(bucket)[episode.audio.name] == len(mp3)
    feed = Client().get("/podcast/feed.xml").content.decode()
    url = f"https://{CDN}/{episode.audio.name}"
    assert f'url="{url}"' in feed and f'length="{len(mp3)}"' in feed


@pytest.mark.django_db
def test_article_audio_is_synthesised_into_the_bucket(bucket, site_tree, settings):
    from depesche.audio.services import article_audio_build

    settings.PIPER_MODEL = ""
    article = publish_article(site_tree.sections["Wirtschaft"])
    audio = article_audio_build(article_id=article.pk)
    assert audio is not None and audio.status == "ready", audio and audio.error
    stored = keys(bucket)
    assert stored[audio.file.name] > 1000
    head = bucket.get_object(Bucket=BUCKET, Key=audio.file.name)["Body"].read(3)
    assert head in {b"ID3", b"\xff\xfb"} or head[:2] in {b"\xff\xfb", b"\xff\xf3"}
    page = Client().get(article.url).content.decode()
    assert f"https://{CDN}/{audio.file.name}" in page


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def public(client, key: str) -> bool:
    """Whether the object's ACL lets anyone read it."""
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return any(g["Grantee"].get("URI") == ALL_USERS for g in grants)


# None: our configuration (the bucket's policy or a CDN decides what is public); "public-read":
# a bucket whose media are made public by object ACLs (AWS_DEFAULT_ACL) - documents stay private.
@pytest.mark.parametrize("default_acl", [None, "public-read"])
@pytest.mark.django_db
def test_a_document_is_stored_private_and_streamed_by_the_document_view(
    bucket, settings, default_acl
):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    if default_acl:
        default = settings.STORAGES["default"]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {**default, "OPTIONS": {**default["OPTIONS"], "default_acl": default_acl}},
        }
    content = b"Haushaltsplan 2027, Entwurf der Verwaltung.\n" * 20
    doc = get_document_model().objects.create(
        title="Haushalt",
        file=ContentFile(content, name="haushalt.txt"),
        collection=Collection.get_first_root_node(),
    )
    assert doc.file.name.startswith("documents/") and keys(bucket)[doc.file.name] == len(content)
    assert not public(bucket, doc.file.name)
    assert bucket.head_object(Bucket=BUCKET, Key=doc.file.name)["CacheControl"] == (
        "private, no-store"
    )

    image = get_image_model().objects.create(
        title="Hafen", file=ImageFile(io.BytesIO(jpeg()), name="hafen.jpg")
    )
    head = bucket.head_object(Bucket=BUCKET, Key=image.file.name)
    assert head["CacheControl"] == "public, max-age=31536000"
    assert public(bucket, image.file.name) is bool(default_acl)

    response = Client().get(doc.url)
    assert doc.url == f"/documents/{doc.pk}/haushalt.txt"
    assert response.status_code == 200  # streamed here, not a redirect to the bucket or CDN
    assert b"".join(response.streaming_content) == content
