"""The issue's "done when": every IPTC ninjs 1.4–3.x and dpa-digitalwires example text record
(tests/fixtures/wire, real records) imports without error through the command and through push,
pictures included (from a loopback image server), lands in its section by the rules, and renders.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from django.core.management import call_command
from django.utils.html import escape
from PIL import Image as PILImage

from depesche.newsroom.models import ArticlePage
from depesche.wire.files import load_records
from depesche.wire.formats import read_record
from depesche.wire.importing import Outcome, import_files
from depesche.wire.models import Feed, WireStory
from depesche.wire.rules import rules_defaults_create

FIXTURES = Path(__file__).parents[1] / "fixtures" / "wire"
NOT_ARTICLES = {
    "ninjs/3.3/ap_image.json": "picture",
    "ninjs/3.3/simpleEvent.json": "event",
    "digitalwires/image.json": "picture",
    "digitalwires/no_content.json": "picture",
}
TEXT_RECORDS = sorted(
    str(path.relative_to(FIXTURES))
    for path in FIXTURES.rglob("*.json")
    if str(path.relative_to(FIXTURES)) not in NOT_ARTICLES
)
# By the default Ressort-Zuordnung (dpa desk pl; dpa's media topic "Börse"); the rest falls to
# the feed's default section.
SECTIONS = {
    "digitalwires/eil.json": "Politik",
    "digitalwires/tvo_pol.json": "Politik",
    "digitalwires/lesestuecke.json": "Politik",
    "digitalwires/with_dateline.json": "Finanzen",
}
WITH_PICTURES = ["ninjs/2.0/tt_text_image_2.json", "ninjs/3.0/tt_text_image_2.json"]


class _Pictures(BaseHTTPRequestHandler):
    body = b""
    served: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.served.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def picture_server() -> Iterator[tuple[int, list[str]]]:
    """Answers every path with one JPEG and records what was asked for."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (20, 90, 160)).save(buffer, "JPEG")
    served: list[str] = []
    handler = type("Pictures", (_Pictures,), {"body": buffer.getvalue(), "served": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], served
    server.shutdown()
    server.server_close()


@pytest.fixture
def agency(site_tree) -> Feed:
    rules_defaults_create()
    return Feed.objects.create(
        name="Agentur",
        slug="agentur",
        secret="geheim-" + "x" * 24,
        auto_publish=True,
        default_section=site_tree.sections["Panorama"],
    )


def localised(name: str, port: int) -> str:
    """The record with its picture addresses moved to the loopback server (path kept)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return re.sub(r'"(href|url)": "https?://[^/"]+', rf'"\1": "http://127.0.0.1:{port}', text)


def copy_all(folder: Path, port: int) -> Path:
    for name in [*TEXT_RECORDS, *NOT_ARTICLES]:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(localised(name, port), encoding="utf-8")
    return folder


def record_ids(name: str) -> list[str]:
    return [read_record(raw).record_id for raw in load_records(FIXTURES / name)]


def assert_imported_and_rendered(client, site_tree) -> None:
    for name in TEXT_RECORDS:
        for record_id in record_ids(name):
            article = ArticlePage.objects.get(source_guid=record_id)
            assert article.live, name
            response = client.get(article.url)
            assert response.status_code == 200, name
            assert escape(article.title) in response.content.decode(), name
            expected = SECTIONS.get(name, "Panorama")
            assert article.section_id == site_tree.sections[expected].pk, (name, expected)


def test_every_text_record_imports_through_the_command(
    agency, picture_server, tmp_path, client, site_tree
):
    port, served = picture_server
    folder = copy_all(tmp_path / "records", port)
    out, err = io.StringIO(), io.StringIO()

    call_command("import_articles", "--feed", "agentur", str(folder), stdout=out, stderr=err)

    assert err.getvalue() == ""
    for name, kind in NOT_ARTICLES.items():
        assert re.search(rf"{re.escape(name)} record 1: skipped, .*{kind}", out.getvalue()), name
    assert " 0 failed" in out.getvalue()
    assert_imported_and_rendered(client, site_tree)
    for name in WITH_PICTURES:
        (record_id,) = record_ids(name)
        article = ArticlePage.objects.get(source_guid=record_id)
        assert article.image is not None, name
        assert article.image.width > 0
    assert served, "no picture was fetched"


def test_every_text_record_imports_through_push(
    agency, picture_server, client, site_tree, django_capture_on_commit_callbacks
):
    port, _ = picture_server
    for name in [*TEXT_RECORDS, *NOT_ARTICLES]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/wire/{agency.slug}/",
                data=localised(name, port),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {agency.secret}",
            )
        assert response.status_code == 202, (name, response.content)

    assert_imported_and_rendered(client, site_tree)
    receipts = agency.receipts.values_list("state", flat=True)
    assert set(receipts) <= {"done", "skipped"}
    assert list(receipts).count("skipped") == len(NOT_ARTICLES)


def test_the_bad_record_is_reported_by_position_and_the_good_ones_kept(agency, tmp_path):
    good = json.loads((FIXTURES / "digitalwires/eil.json").read_text(encoding="utf-8"))
    bad = {"urn": "urn:kaputt", "headline": 42}
    path = tmp_path / "gemischt.json"
    path.write_text(json.dumps([bad, good]), encoding="utf-8")

    report = import_files([path], feed=agency)

    assert report.counts[Outcome.CREATED] == 1 and report.failed == 1
    assert report.errors[0].startswith(f"{path} record 1: ")
    assert "headline" in report.errors[0]
    assert WireStory.objects.filter(record_id=read_record(good).record_id).exists()
