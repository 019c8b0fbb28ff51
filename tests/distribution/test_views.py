"""robots.txt."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def ad_click_urls() -> list[str]:
    try:
        return [reverse("ads:click", args=["token"])]
    except NoReverseMatch:  # without the ads app
        return []


def robots(client) -> list[str]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def test_robots_allows_the_site_and_names_both_sitemaps(client, db, settings):
    settings.BASE_URL = "https://www.depesche.example"
    lines = robots(client)
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert "Sitemap: https://www.depesche.example/sitemap.xml" in lines
    assert "Sitemap: https://www.depesche.example/sitemap-news.xml" in lines
    assert "Disallow: /" not in lines  # the site itself stays open


def test_robots_disallows_private_paths(client, db):
    disallowed = {line.split(": ", 1)[1] for line in robots(client) if line.startswith("Disallow")}
    for path in ["/admin/", "/abo/", "/newsletter/bestaetigen/", "/_mail/"]:
        assert path in disallowed
    # The prefixes match the real URLs of readers' private pages.
    for url in [
        reverse("audience:preferences"),
        reverse("audience:confirm", args=["token"]),
        reverse("audience:thanks"),
        reverse("view-counter", args=[1]),
        *ad_click_urls(),
    ]:
        assert any(url.startswith(prefix) for prefix in disallowed), url
    # Public pages are not caught by any prefix.
    for url in [reverse("audience:newsletter"), "/politik/", "/feeds/rss.xml", "/thema/x/"]:
        assert not any(url.startswith(prefix) for prefix in disallowed), url


def test_robots_only_answers_get(client, db):
    assert client.post("/robots.txt").status_code == 405
