"""Issue 15, point 1: an article behind a Wagtail view restriction (password, login, groups)
reaches no reader-facing channel, and lifting the restriction brings it back everywhere.

The restricted article's body holds a sentence found nowhere else; every channel below is
asked as an anonymous reader (or is the mail, summary request or transcript a reader would
get) and must contain neither that sentence nor the headline nor the article's address while
the restriction holds. Each channel also says what it shows once the article is public, so
the same walk proves the gate lets it back in (a channel that never showed it would prove
nothing)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from depesche.alerts.bundles import bundles_work_once
from depesche.audio.models import ArticleAudio
from depesche.audio.services import article_audio_build
from depesche.delivery.sending import send_due
from depesche.digest.mailing import DIGEST_MAILS
from depesche.digest.services import digest_approve, digest_build
from depesche.digest.weeks import latest_week, period_of
from depesche.newsroom.models import ArticlePage
from depesche.podcast.models import Episode
from tests.factories import (
    WeeklySubscriptionFactory,
    follower,
    paragraphs,
    publish_article,
    save_draft_article,
)

SENTENCE = "Der Kronleuchter aus Quarzglas summte die Melodie der Aufsichtsratssitzung."
HEADLINE = "Vertrauliche Zollpläne der Reederei Nordlicht"
SLUG = "vertrauliche-zollplaene"
SECRET_TAG = "Zollgeheimnis"  # only the restricted article uses it
SECRET_TAG_URL = "/thema/zollgeheimnis/"
SHARED_TAG = "Zoll"  # the public neighbour has it too


class SummaryEndpoint:
    """An OpenAI-compatible chat endpoint on loopback that records what it was sent."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                endpoint.bodies.append(body)
                answer = {"choices": [{"message": {"content": "Eine kurze Zusammenfassung."}}]}
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class World:
    site_tree: object
    neighbour: ArticlePage
    article: ArticlePage
    capture: Callable[..., object]
    mails: object
    summaries: SummaryEndpoint


def restrict(article: ArticlePage, capture) -> PageViewRestriction:
    with capture(execute=True):
        return PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )


def lift(article: ArticlePage, capture) -> None:
    with capture(execute=True):
        for restriction in PageViewRestriction.objects.filter(page=article):
            restriction.delete()


@pytest.fixture
def world(site_tree, smtp_mails, settings, django_capture_on_commit_callbacks):
    """A public neighbour and, restricted before its publication, the article; followers of
    its tags (instant and daily) and of the Wochenrückblick; the summary endpoint set."""
    summaries = SummaryEndpoint()
    settings.SUMMARY_URL = summaries.url
    settings.SUMMARY_MODEL = "test"
    settings.ARTICLE_AUDIO = False  # audio is its own channel below
    follower("sofort@example.org", SECRET_TAG, SHARED_TAG)
    follower("taeglich@example.org", SECRET_TAG, frequency="taeglich")
    section = site_tree.sections["Wirtschaft"]
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        neighbour = publish_article(
            section,
            title="Offene Zollpläne",
            tags=[SHARED_TAG],
            body=paragraphs("Ein öffentlicher Text über Zölle und Häfen."),
        )
    send_due()  # the neighbour's alert is not what this test is about
    draft = save_draft_article(
        section,
        title=HEADLINE,
        slug=SLUG,
        teaser="Die Reederei plant im Verborgenen.",
        tags=[SHARED_TAG, SECRET_TAG],
        body=paragraphs(SENTENCE, "Ein zweiter Absatz."),
    )
    restrict(draft, capture)
    with capture(execute=True):
        draft.get_latest_revision().publish()
    article = ArticlePage.objects.get(pk=draft.pk)
    assert article.live
    smtp_mails.wait(1)
    yield World(site_tree, neighbour, article, capture, smtp_mails, summaries)
    summaries.close()


def _get(url: str) -> str:
    response = Client().get(url)
    return f"{response.status_code}\n{response.content.decode()}"


# Each channel: what an anonymous reader (or the inbox, the summary endpoint, the transcript)
# gets, and which marker shows the article there once it is public.
def home(w: World) -> str:
    return _get(w.site_tree.home.url)


def section(w: World) -> str:
    return _get(w.site_tree.sections["Wirtschaft"].url)


def tag_page(w: World) -> str:
    return _get("/thema/zoll/")


def secret_tag_page(w: World) -> str:
    # A tag only the restricted article uses answers as an unknown tag would.
    return _get(SECRET_TAG_URL)


def related(w: World) -> str:
    return _get(w.neighbour.url)  # "Mehr zum Thema" of the public neighbour


def article_page(w: World) -> str:
    return _get(w.article.url)


def follow(w: World) -> str:
    # The [+] of a tag only the restricted article uses answers as an unknown tag's does.
    return _get("/abo/folgen/zollgeheimnis/anmelden/")


def api_list(w: World) -> str:
    return _get("/api/articles/")


def api_detail(w: World) -> str:
    return _get(f"/api/articles/{w.article.pk}/")


def api_tags(w: World) -> str:
    return _get("/api/tags/") + _get("/api/articles/?tag=zollgeheimnis")


def search(w: World) -> str:
    return _get("/suche/?q=Kronleuchter") + _get("/suche/?q=Reederei+Nordlicht")


def feeds(w: World) -> str:
    urls = [
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/feeds/ressort/wirtschaft/rss.xml",
        "/feeds/thema/zoll/rss.xml",
        "/feeds/thema/zollgeheimnis/atom.xml",
    ]
    return "".join(_get(url) for url in urls)


def sitemaps(w: World) -> str:
    return _get("/sitemap.xml") + _get("/sitemap-news.xml")


def sitemap_index(w: World) -> str:
    """Every file of the sitemap index a crawler walks once there are more URLs than fit one."""
    with override_settings(SITEMAP_MAX_URLS=2):
        index = _get("/sitemap.xml")
        files = re.findall(r"<loc>http://testserver(/sitemap-[^<]+)</loc>", index)
        assert len(files) > 3, "the index must list its files, or this channel checks nothing"
        return index + "".join(_get(url) for url in files)


def alerts(w: World) -> str:
    send_due()
    return "".join(m.subject + m.body() + m.body("html") for m in w.mails.all())


def bundles(w: World) -> str:
    bundles_work_once(now=timezone.now() + timedelta(days=2))
    mails = w.mails.to("taeglich@example.org")
    return "".join(m.subject + m.body() + m.body("html") for m in mails)


def digest(w: World) -> str:
    WeeklySubscriptionFactory(subscriber__email="woche@example.org")
    week = latest_week(timezone.now() + timedelta(days=7))  # the week that holds today
    _, end = period_of(week)
    built = digest_build(week=week, now=end + timedelta(minutes=1))
    with w.capture(execute=True):
        digest_approve(digest=built, user=None)
    send_due(kind=DIGEST_MAILS)
    mails = w.mails.to("woche@example.org")
    assert mails, "the Wochenrückblick must reach its reader, or this channel checks nothing"
    episode = Episode.objects.get()
    return "\n".join(
        [
            *(f"{t.headline}\n{t.summary}" for t in built.topics.all()),
            *w.summaries.bodies,
            *(m.body() + m.body("html") for m in mails),
            episode.transcript_vtt,
            episode.description,
            _get("/podcast/feed.xml"),
        ]
    )


def audio(w: World) -> str:
    made = article_audio_build(article_id=w.article.pk)
    rows = ArticleAudio.objects.filter(article_id=w.article.pk, status="ready")
    return f"{SENTENCE if made is not None and rows.exists() else 'no audio'}"


# (channel, marker shown once public: the sentence where the body is shown, else the headline)
CHANNELS = [
    (home, HEADLINE),
    (section, HEADLINE),
    (tag_page, HEADLINE),
    (secret_tag_page, HEADLINE),
    (related, HEADLINE),
    (article_page, SENTENCE),
    (follow, SECRET_TAG),
    (api_list, HEADLINE),
    (api_detail, SENTENCE),
    (api_tags, SECRET_TAG),
    (search, HEADLINE),
    (feeds, HEADLINE),
    (sitemaps, SLUG),
    (sitemap_index, SLUG),
    (alerts, HEADLINE),
    (bundles, HEADLINE),
    (digest, HEADLINE),
    (audio, SENTENCE),
]
IDS = [channel.__name__ for channel, _ in CHANNELS]


@pytest.mark.parametrize(("channel", "marker"), CHANNELS, ids=IDS)
def test_a_restricted_article_reaches_no_channel(world, channel, marker):
    seen = channel(world)
    # The article's own address asks for the password (its form names the address to return
    # to): there only the body must not appear.
    secrets = [SENTENCE]
    if channel is not article_page:
        secrets += [HEADLINE, SLUG, SECRET_TAG, SECRET_TAG_URL]
    for secret in secrets:
        assert secret not in seen, f"{channel.__name__} shows {secret!r}"


@pytest.mark.parametrize(("channel", "marker"), CHANNELS, ids=IDS)
def test_lifting_the_restriction_brings_it_back(world, channel, marker):
    lift(world.article, world.capture)
    assert marker in channel(world)


def test_no_app_but_newsroom_reads_pages_by_live_alone():
    """`.live()` keeps pages behind a password or login: outside the newsroom (whose
    selectors are the gate) every read goes through the gate's functions."""
    import ast
    from pathlib import Path

    import depesche

    root = Path(depesche.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] == "newsroom" or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if call and node.func.attr == "live":  # type: ignore[attr-defined]
                found.append(f"{relative}:{node.lineno}")
    assert found == []


def test_a_wochenrueckblick_built_before_the_restriction_leaves_its_topic_out(world):
    # Built while the article was public, its topic's summary may quote it: once restricted,
    # neither the mail nor the podcast may carry that topic.
    lift(world.article, world.capture)
    seen_public = digest(world)
    assert HEADLINE in seen_public

    from depesche.digest.models import Digest

    Episode.objects.all().delete()
    built = Digest.objects.get()
    topic = next(t for t in built.topics.all() if world.article in t.articles.all())
    restrict(world.article, world.capture)
    from email import message_from_bytes
    from email.policy import default

    from depesche.delivery.rendering import Recipient
    from depesche.digest.mailing import prepared_digest
    from depesche.digest.publishing import podcast_script

    reader = Recipient(1, "woche@example.org", "", "", "0" * 32, 0)
    mail = message_from_bytes(prepared_digest(built.pk).render(reader), policy=default)
    text = "".join(part.get_content() for part in mail.walk() if not part.is_multipart())
    assert "Offene Zollpläne" in text  # the neighbour's topic is still there
    assert topic.headline not in text and SENTENCE not in text
    script = " ".join(f"{segment.title} {segment.text}" for segment in podcast_script(built, "X"))
    assert "Offene Zollpläne" in script
    assert topic.headline not in script
    assert SENTENCE not in script


def test_deleting_a_restricted_article_or_section_works(world, site_tree):
    section = site_tree.sections["Wirtschaft"]
    with world.capture(execute=True):
        world.article.delete()
        PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    with world.capture(execute=True):
        section.delete()
    assert not PageViewRestriction.objects.exists()


def test_a_fan_out_restricted_half_way_writes_no_more_rows(world):
    from depesche.alerts.models import ArticleAlert, Delivery
    from depesche.alerts.services import _fanout_slice
    from depesche.audience.models import Subscriber

    lift(world.article, world.capture)  # the fan-out ran in full: start it again half-way
    Delivery.objects.filter(article=world.article).delete()
    last = Subscriber.objects.order_by("-pk").values_list("pk", flat=True)[0]
    ArticleAlert.objects.filter(article=world.article).update(
        first_id=0, covered_to=0, last_id=last, finished_at=None
    )
    PageViewRestriction.objects.create(  # no hooks run: the slice asks the gate itself
        page=world.article, restriction_type=PageViewRestriction.LOGIN
    )
    assert _fanout_slice(world.article.pk) is None
    assert not Delivery.objects.filter(article=world.article).exists()
