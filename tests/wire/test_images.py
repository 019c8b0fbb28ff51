"""wire/images.py: agency pictures fetched from a loopback server, checked, stored once."""

from __future__ import annotations

import logging
import time

import pytest
from PIL import Image as PILImage
from wagtail.images import get_image_model

from depesche.wire.formats.base import Rendition, WireImage
from depesche.wire.images import image_fields, rendition_choose
from depesche.wire.models import WireImageSource
from tests.support.image_server import ImageServer

RECORD = "urn:newsml:dpa.com:20090101:260101-99-000001"

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings):
    settings.WIRE_IMAGE_TIMEOUT = 0.5
    settings.WIRE_IMAGE_MAX_BYTES = 100_000
    image_server = ImageServer(big_size=150_000)
    yield image_server
    image_server.close()


def picture(*hrefs_and_widths: tuple[str, int | None], **texts: str) -> WireImage:
    return WireImage(
        renditions=[Rendition(href=h, width=w, mimetype="image/jpeg") for h, w in hrefs_and_widths],
        **texts,
    )


def fields_for(*pictures: WireImage, title: str = "Überschrift der Meldung") -> dict:
    return image_fields(images=list(pictures), record_id=RECORD, title=title)


def assert_left_out(fields: dict, caplog, *reason_parts: str) -> None:
    assert fields == {"image": None, "image_caption": "", "image_credit": "", "image_alt": ""}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert RECORD in message
    for part in reason_parts:
        assert part in message, message
    assert get_image_model().objects.count() == 0


# --- choosing the rendition ---------------------------------------------------------------------


def test_the_largest_rendition_within_the_width_limit_is_chosen(settings):
    settings.WIRE_IMAGE_MAX_WIDTH = 2048
    renditions = [
        Rendition("a", 400),
        Rendition("b", 3000),
        Rendition("c", 1600),
        Rendition("d"),
        Rendition("e", 2048),
    ]
    assert rendition_choose(renditions=renditions).href == "e"


def test_without_one_that_fits_the_narrowest_wider_one_is_chosen(settings):
    settings.WIRE_IMAGE_MAX_WIDTH = 1000
    renditions = [Rendition("huge", 6000), Rendition("unknown"), Rendition("big", 2000)]
    assert rendition_choose(renditions=renditions).href == "big"


def test_a_rendition_of_unknown_width_is_the_last_resort(settings):
    assert rendition_choose(renditions=[Rendition("unknown")]).href == "unknown"
    assert rendition_choose(renditions=[]) is None


def test_the_chosen_rendition_is_fetched_and_stored_with_the_records_texts(server, settings):
    settings.WIRE_IMAGE_MAX_WIDTH = 800
    fields = fields_for(
        picture(
            (server.url("/w400/klein.jpg"), 400),
            (server.url("/w800/Kanzler%20im%20Bundestag.JPG?token=geheim"), 800),
            (server.url("/w1600/gross.jpg"), 1600),
            caption="Der Kanzler im <b>Bundestag</b>.",
            credit="dpa",
            alt="Ein Mann spricht an einem Rednerpult.",
        )
    )
    assert server.requests == ["/w800/Kanzler%20im%20Bundestag.JPG?token=geheim"]
    image = fields["image"]
    assert image.pk and (image.width, image.height) == (800, 400)
    assert image.title == "Der Kanzler im Bundestag."
    assert image.file.name.rsplit("/", 1)[-1].startswith("kanzler-im-bundestag")
    assert image.file.name.endswith(".jpg")
    assert image.file_size and image.file_hash
    with image.open_file() as stored, PILImage.open(stored) as decoded:
        assert decoded.size == (800, 400)
    assert fields["image_caption"] == "Der Kanzler im Bundestag."
    assert fields["image_credit"] == "Foto: dpa"
    assert fields["image_alt"] == "Ein Mann spricht an einem Rednerpult."


def test_credit_already_labelled_stays_and_alt_falls_back_to_the_caption(server):
    fields = fields_for(
        picture((server.url("/w300/a.jpg"), 300), caption="Regen in Berlin", credit="Foto: dpa/AP")
    )
    assert fields["image_credit"] == "Foto: dpa/AP"
    assert fields["image_alt"] == "Regen in Berlin"


def test_without_caption_the_headline_is_the_image_title(server):
    fields = fields_for(picture((server.url("/w300/a.jpg"), 300)), title="Sturm über Hamburg")
    assert fields["image"].title == "Sturm über Hamburg"
    assert fields["image_caption"] == fields["image_alt"] == ""


def test_the_same_picture_is_fetched_once_and_reused(server):
    href = server.url("/w300/einmal.jpg")
    first = fields_for(picture((href, 300), caption="Version 1"))["image"]
    second = fields_for(picture((href, 300), caption="Version 2"))["image"]
    assert first.pk == second.pk
    assert get_image_model().objects.count() == 1
    assert WireImageSource.objects.get(href=href).image_id == first.pk
    assert server.requests == ["/w300/einmal.jpg"]


def test_a_failed_picture_makes_way_for_the_next_one(server, caplog):
    fields = fields_for(
        picture((server.url("/fehlt.jpg"), 300)),
        picture((server.url("/w300/zweites.jpg"), 300), caption="Zweites Bild"),
    )
    assert fields["image"] is not None and fields["image_caption"] == "Zweites Bild"
    assert "404" in caplog.text


def test_no_pictures_no_fields_and_no_warning(caplog):
    assert fields_for() == {"image": None, "image_caption": "", "image_credit": "", "image_alt": ""}
    assert not caplog.records


# --- every failure: image None, one warning with record id, URL and reason, no exception --------


def test_oversize_by_content_length_is_refused_before_reading(server, caplog):
    fields = fields_for(picture((server.url("/big-declared.jpg?sig=abc"), 300)))
    assert_left_out(fields, caplog, "/big-declared.jpg", "Content-Length 150000")
    assert "sig=abc" not in caplog.text  # signed URLs' tokens stay out of the log


def test_oversize_while_streaming_is_refused(server, caplog):
    fields = fields_for(picture((server.url("/big-streamed.jpg"), 300)))
    assert_left_out(fields, caplog, "/big-streamed.jpg", "more than 100000 bytes")


def test_a_type_that_is_not_a_picture_is_refused(server, caplog):
    fields = fields_for(picture((server.url("/page.html"), 300)))
    assert_left_out(fields, caplog, "/page.html", "text/html")


def test_bytes_that_are_not_an_image_are_refused(server, caplog):
    fields = fields_for(picture((server.url("/garbage.jpg"), 300)))
    assert_left_out(fields, caplog, "/garbage.jpg")


def test_a_picture_beyond_the_megapixel_limit_is_refused(server, settings, caplog):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100 * 50
    fields = fields_for(picture((server.url("/w400/riesig.jpg"), 400)))
    assert_left_out(fields, caplog, "/w400/riesig.jpg")


def test_a_server_that_stalls_is_given_up_after_the_timeout(server, caplog):
    started = time.monotonic()
    fields = fields_for(picture((server.url("/stall.jpg"), 300)))
    assert time.monotonic() - started < 5
    assert_left_out(fields, caplog, "/stall.jpg", "0.5 s")


def test_404_is_refused(server, caplog):
    fields = fields_for(picture((server.url("/fehlt.jpg"), 300)))
    assert_left_out(fields, caplog, "/fehlt.jpg", "HTTP 404")


@pytest.mark.parametrize(
    "href", ["ftp://127.0.0.1/bild.jpg", "file:///etc/passwd", "data:image/jpeg;base64,AAAA"]
)
def test_other_schemes_are_never_fetched(href, caplog):
    fields = fields_for(picture((href, 300)))
    assert_left_out(fields, caplog, "only http and https")


def test_an_unreachable_server_is_refused(caplog):
    fields = fields_for(picture(("http://127.0.0.1:9/bild.jpg", 300)))
    assert_left_out(fields, caplog, "127.0.0.1:9/bild.jpg")


def test_a_picture_without_renditions_is_left_out(caplog):
    fields = fields_for(WireImage(renditions=[], caption="Nichts"))
    assert_left_out(fields, caplog, "no renditions")


def test_a_storage_that_fails_leaves_the_picture_out(server, monkeypatch, caplog):
    storage = get_image_model()._meta.get_field("file").storage

    def refuse(*args, **kwargs):
        raise RuntimeError("Bucket nicht erreichbar")

    monkeypatch.setattr(storage, "save", refuse)
    fields = fields_for(picture((server.url("/w300/a.jpg"), 300)))
    assert_left_out(fields, caplog, "/w300/a.jpg", "Bucket nicht erreichbar")
    assert not WireImageSource.objects.exists()
