"""Security headers on every kind of public page, and no inline script anywhere on them."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client

from depesche.audience.emails import preference_url
from depesche.config.content_policy import media_origins
from tests.factories import follower, make_image, paragraphs, publish_article
from tests.support.podcast import publish_episode

HTML = "text/html"


def directives(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


@pytest.fixture
def public_pages(site_tree) -> dict[str, str]:
    """One URL of every kind of page a visitor (or a feed reader, or an app) can fetch."""
    image = make_image("Rathaus")
    article = publish_article(
        site_tree.sections["Politik"],
        tags=["Energie"],
        body=[
            *paragraphs("Erster Absatz.", "Zweiter Absatz."),
            ("image", {"image": image, "caption": "Das Rathaus", "credit": "Foto: Test"}),
        ],
    )
    episode = publish_episode()
    legal = next(iter(site_tree.legal.values()))
    return {
        "home": "/",
        "section": site_tree.sections["Politik"].url,
        "article": article.url,
        "legal": legal.url,
        "tag": "/thema/energie/",
        "newsletter": "/newsletter/",
        "newsletter thanks": "/newsletter/danke/",
        "preference center (unknown reader)": "/abo/",
        "search": "/suche/?q=Absatz",
        "search (empty)": "/suche/",
        "podcast": "/podcast/",
        "episode": f"/podcast/{episode.slug}/",
        "feed rss": "/feeds/rss.xml",
        "feed atom": "/feeds/atom.xml",
        "section feed": f"/feeds/ressort/{site_tree.sections['Politik'].slug}/rss.xml",
        "tag feed": "/feeds/thema/energie/atom.xml",
        "podcast feed": "/podcast/feed.xml",
        "sitemap": "/sitemap.xml",
        "robots": "/robots.txt",
        "api index": "/api/",
        "api articles": "/api/articles/",
        "api docs": "/api/docs",
        "404": "/gibt-es-nicht/",
        "bad confirmation link": "/newsletter/bestaetigen/kaputt/",
    }


def fetch_all(client: Client, pages: dict[str, str]):
    for kind, url in pages.items():
        response = client.get(url)
        expected = 404 if kind == "404" else 400 if kind.startswith("bad") else 200
        assert response.status_code == expected, (kind, url, response.status_code)
        yield kind, url, response


def assert_security_headers(kind: str, response) -> None:
    policy = directives(response["Content-Security-Policy"])
    scripts = policy.get("script-src", policy["default-src"])
    assert scripts == ["'self'"], kind
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "nonce-" not in response["Content-Security-Policy"]  # pages are cached
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", kind
    assert response["X-Content-Type-Options"] == "nosniff", kind
    assert response["X-Frame-Options"] == "DENY", kind


def inline_scripts(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        if script.get("src"):
            assert not script.get_text(strip=True), "a script with src and a body"
            continue
        if script.get("type") in {"application/ld+json", "application/json"}:
            continue  # data blocks: browsers never execute them
        found.append(str(script)[:120])
    # Event-handler attributes are inline scripts too.
    for tag in soup.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        if handlers:
            found.append(f"<{tag.name} {' '.join(handlers)}>")
        if str(tag.get("href", "")).strip().lower().startswith("javascript:"):
            found.append(f"<{tag.name} href=javascript:…>")
    return found


def test_every_public_page_carries_the_security_headers(client, public_pages):
    for kind, _url, response in fetch_all(client, public_pages):
        assert_security_headers(kind, response)


def test_pages_served_again_from_the_page_cache_keep_the_headers(client, public_pages):
    for url in [public_pages["home"], public_pages["article"], public_pages["section"]]:
        first, second = client.get(url), client.get(url)
        assert first.content == second.content
        assert_security_headers(url, second)
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_no_public_page_contains_an_inline_script(client, public_pages):
    html_pages = 0
    for kind, url, response in fetch_all(client, public_pages):
        if response["Content-Type"].startswith(HTML):
            html_pages += 1
            assert inline_scripts(response.content) == [], (kind, url)
    assert html_pages >= 14


def test_recognised_readers_pages_have_no_inline_script(client, site_tree):
    reader = follower("leserin@example.org", "Energie")
    response = client.get(preference_url(reader).removeprefix(settings.BASE_URL), follow=True)
    assert response.status_code == 200
    assert "leserin@example.org" in response.content.decode()
    assert_security_headers("preference center", response)
    assert inline_scripts(response.content) == []


def test_confirmed_and_erased_pages_load_their_scripts_from_static_files(site_tree):
    for template, script in [
        ("audience/confirmed.html", "/static/depesche/confirmed.js"),
        ("audience/erased.html", "/static/depesche/erased.js"),
    ]:
        html = render_to_string(template, {"subscriber": {"email": "a@example.org"}})
        assert inline_scripts(html.encode()) == []
        soup = BeautifulSoup(html, "html.parser")
        sources = [tag["src"] for tag in soup.find_all("script", src=True)]
        # Before the dialog's script, as the inline script it replaces ran.
        assert sources == [script, "/static/depesche/newsletter.js"]
        found = finders.find(script.removeprefix("/static/"))
        assert found and "depesche.newsletter.confirmed" in Path(found).read_text()


def test_article_json_ld_stays_as_a_data_block(client, public_pages):
    soup = BeautifulSoup(client.get(public_pages["article"]).content, "html.parser")
    blocks = soup.find_all("script", type="application/ld+json")
    assert blocks and '"NewsArticle"' in "".join(block.get_text() for block in blocks)


def test_the_policy_allows_what_the_pages_load(client, public_pages):
    """Images, audio and styles the pages use come from sources the policy allows."""
    article = BeautifulSoup(client.get(public_pages["article"]).content, "html.parser")
    assert article.find("img", src=lambda src: src and src.startswith("/media/"))
    episode = client.get(public_pages["episode"])
    assert BeautifulSoup(episode.content, "html.parser").find("audio")["src"].startswith("/media/")
    policy = directives(episode["Content-Security-Policy"])
    assert "'self'" in policy["img-src"] and "'self'" in policy["media-src"]
    assert "'self'" in policy["style-src"]


def test_https_requests_get_hsts(settings, site_tree):
    settings.SECURE_HSTS_SECONDS = 3600
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=3600")
    assert "Strict-Transport-Security" not in Client().get("/")


def test_admin_and_mail_catcher_are_outside_the_strict_policy(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("storage", "media_url", "expected"),
    [
        ({"BACKEND": "django.core.files.storage.FileSystemStorage"}, "/media/", []),
        (
            {"OPTIONS": {"bucket_name": "depesche", "custom_domain": "cdn.example.de"}},
            "/media/",
            ["https://cdn.example.de"],
        ),
        (
            {"OPTIONS": {"bucket_name": "depesche", "endpoint_url": "https://s3.example.net"}},
            "/media/",
            ["https://depesche.s3.example.net", "https://s3.example.net"],
        ),
        (
            {"OPTIONS": {"bucket_name": "b", "region_name": "eu-central-1"}},
            "https://media.example.de/",
            [
                "https://b.s3.amazonaws.com",
                "https://b.s3.eu-central-1.amazonaws.com",
                "https://media.example.de",
            ],
        ),
    ],
)
def test_media_origins_follow_the_storage(storage, media_url, expected):
    assert media_origins(storage, media_url) == expected


def test_policy_allows_the_configured_media_bucket(tmp_path):
    """Loaded as a deployment configures it (DEPESCHE_MEDIA_*, see config/storage.py)."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "depesche.config.settings.production",
        "DEPESCHE_DATA_DIR": str(tmp_path),
        "DEPESCHE_MEDIA_BUCKET": "depesche-media",
        "DEPESCHE_MEDIA_CUSTOM_DOMAIN": "media.example.de/archiv",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    policy = json.loads(done.stdout)
    assert policy["img-src"] == ["'self'", "data:", "https://media.example.de"]
    assert policy["media-src"] == ["'self'", "https://media.example.de"]
    assert policy["script-src"] == ["'self'"]
