"""`depesche bench pages`: serve N articles with gunicorn and load the public pages with wrk.

The outer run creates a scratch database and starts the inner run in a child process on it;
the inner run seeds N published articles in bulk (untimed; valid Wagtail tree paths, tags
through the tag table), then starts gunicorn (2 workers) on loopback twice, with the page
cache off and on, and loads home, a section, a tag page and an article with wrk. A fixed 30 KB
page from a trivial view through the same server (bench/pages_urls.py) is the ceiling.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from depesche.bench.progress import progress
from depesche.bench.scratch import run_inner_in_scratch
from depesche.newsroom.selectors import articles_public

SERVER_SETTINGS = "depesche.bench.pages_settings"
CEILING_PATH = "/_bench/ceiling/"
# Each article has 2 of them: N / 20 articles per tag, so the tag page shows a full page (20
# teasers) at N = 1,000 already and its cost compares like with like across N.
TAGS = 40
BATCH = 2_000
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard MP_Node, steplen 4
# wrk prints the figures of a run as one JSON line (p95 is not among its own percentiles).
_WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, '
    .. '"p95_us": %d, "errors": %d, "non2xx": %d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.connect + e.read + e.write + e.timeout,
    e.status))
end
"""


@dataclass
class Options:
    articles: int
    seconds: float
    connections: int
    database_url: str


def run_outer(options: Options, argv: list[str]) -> int:
    """Run the benchmark in a scratch database; its JSON goes to stdout."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing (Debian: apt-get install wrk)")
    return run_inner_in_scratch(
        options.database_url, argv, {"CACHE_URL": os.environ.get("CACHE_URL", "db://")}
    )


# --- the inner run, inside the scratch database ---------------------------------------------


def _path(parent: str, position: int) -> str:
    digits = ""
    for _ in range(4):
        position, digit = divmod(position, 36)
        digits = _ALPHABET[digit] + digits
    return parent + digits


def seed(count: int) -> dict[str, str]:
    """`count` live articles spread over the sections, 2 of TAGS tags each; returns the URLs
    the benchmark loads. Bulk inserts: Page rows, then the ArticlePage rows, then tags."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag
    from wagtail.blocks import StreamValue
    from wagtail.models import Page

    from depesche.newsroom.models import ArticlePage, ArticlePageTag, SectionPage
    from depesche.newsroom.services import site_setup

    tree = site_setup(site_name=settings.SITE_NAME)
    sections = list(SectionPage.objects.child_of(tree.home).order_by("path"))
    content_type = ContentType.objects.get_for_model(ArticlePage)
    body = ArticlePage.body.field.get_db_prep_save(
        StreamValue(
            ArticlePage.body.field.stream_block,
            [
                (
                    "paragraph",
                    "<p>" + "Ein Satz des Benchmark-Artikels mit zehn Wörtern. " * 30 + "</p>",
                )
            ]
            * 6,
        ),
        connection,
    )
    tags = Tag.objects.bulk_create([Tag(name=f"Thema {i}", slug=f"thema-{i}") for i in range(TAGS)])
    now = timezone.now()
    children = {s.pk: s.numchild for s in sections}
    article_fields = [f for f in ArticlePage._meta.local_concrete_fields if f.name != "page_ptr"]
    columns = ["page_ptr_id", *(f.column for f in article_fields)]
    insert = (
        f"INSERT INTO {ArticlePage._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    for start in range(0, count, BATCH):
        with transaction.atomic():
            pages, articles = [], []
            for i in range(start, min(start + BATCH, count)):
                section = sections[i % len(sections)]
                children[section.pk] += 1
                slug = f"meldung-{i}"
                published = now - timedelta(minutes=count - i)
                pages.append(
                    Page(
                        title=f"Meldung {i}: Netzbetreiber melden neue Rekordeinspeisung",
                        draft_title=f"Meldung {i}",
                        slug=slug,
                        content_type=content_type,
                        path=_path(section.path, children[section.pk]),
                        depth=section.depth + 1,
                        numchild=0,
                        url_path=f"{section.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        locale_id=section.locale_id,
                    )
                )
                articles.append(
                    ArticlePage(
                        teaser="Ein Vorspann üblicher Länge für den Benchmark der Seiten, "
                        "zwei Sätze lang. Er steht auf jeder Teaser-Karte.",
                        byline="Benchmark",
                        section_id=section.pk,
                        updated_at=published,
                    )
                )
            Page.objects.bulk_create(pages)
            rows = []
            for page, article in zip(pages, articles, strict=True):
                values = [
                    f.get_db_prep_save(getattr(article, f.attname), connection)
                    for f in article_fields
                ]
                values[[f.name for f in article_fields].index("body")] = body
                rows.append([page.pk, *values])
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
            ArticlePageTag.objects.bulk_create(
                [
                    ArticlePageTag(
                        content_object_id=page.pk,
                        tag_id=tags[(n * 7 + k) % TAGS].pk,
                        published_at=page.first_published_at,
                    )
                    for n, page in enumerate(pages, start=start)
                    for k in (0, 1)
                ]
            )
        if (start // BATCH) % 10 == 0:
            progress(f"  {min(start + BATCH, count):,} / {count:,} articles")
    for section in sections:
        Page.objects.filter(pk=section.pk).update(numchild=children[section.pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    newest = articles_public().first()
    assert newest is not None
    newest_tag = newest.tags.order_by("slug").first()
    assert newest_tag is not None
    return {
        "home": "/",
        "section": "/" + sections[0].url_path.removeprefix(tree.home.url_path),
        "tag": f"/thema/{newest_tag.slug}/",
        "article": "/" + newest.url_path.removeprefix(tree.home.url_path),
    }


def query_counts(urls: dict[str, str]) -> dict[str, int]:
    """Database queries of one uncached render of each page (after a warm-up request)."""
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["*"]):
        for name, url in urls.items():
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            counts[name] = len(captured.captured_queries)
    return counts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, cache_seconds: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
        "DEPESCHE_PAGE_CACHE_SECONDS": str(cache_seconds),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "depesche.config.wsgi:application",
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{CEILING_PATH}", timeout=5):
                return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                stop_server(server)
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def load(url: str, options: Options, script: Path) -> dict[str, float]:
    """wrk against `url`: requests per second, p50 and p95 latency in ms."""
    for _ in range(20):  # warm-up: both workers import and fill their caches
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(options.connections),
            "--duration",
            f"{max(1, round(options.seconds))}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    if figures["errors"] or figures["non2xx"] or not figures["requests"]:
        raise RuntimeError(f"wrk against {url}: {figures}")
    return {
        "rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p95_ms": round(figures["p95_us"] / 1000, 2),
    }


def run_inner(options: Options) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command

    n = options.articles
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns without it
    progress("migrating the scratch database …")
    call_command("migrate", verbosity=0)
    progress(f"seeding {n:,} articles …")
    started = time.monotonic()
    urls = seed(n)
    progress(f"seeded in {time.monotonic() - started:.1f} s")
    queries = query_counts(urls)
    connection.close()

    pages: dict[str, dict[str, Any]] = {name: {"url": url} for name, url in urls.items()}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(_WRK_SCRIPT)
        ceiling: dict[str, float] = {}
        for mode, seconds in (("uncached", 0), ("cached", 300)):
            port = _free_port()
            progress(f"gunicorn (2 workers), page cache {'on' if seconds else 'off'} …")
            server = start_server(port, seconds)
            try:
                base = f"http://127.0.0.1:{port}"
                if mode == "cached":
                    progress("  ceiling: a fixed 30 KB page")
                    ceiling = load(base + CEILING_PATH, options, script)
                for name, url in urls.items():
                    progress(f"  {name} {mode}: {url}")
                    pages[name][mode] = load(base + url, options, script)
            finally:
                stop_server(server)
    for name in pages:
        pages[name]["queries"] = queries[name]
    return {
        "articles": n,
        "database": connection.vendor,
        "server": "gunicorn, 2 sync workers",
        "connections": options.connections,
        "seconds_per_load": max(1, round(options.seconds)),
        "ceiling_rps": ceiling["rps"],
        "ceiling_p50_ms": ceiling["p50_ms"],
        "pages": pages,
        "cached_ratio_min": round(
            min(page["cached"]["rps"] for page in pages.values()) / ceiling["rps"], 3
        ),
    }
