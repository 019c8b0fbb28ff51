from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from taggit.models import Tag

from depesche.audience.texts import ShownTexts, shown_texts
from depesche.newsroom.services import SiteTree, site_setup


@pytest.fixture
def site_tree(db) -> SiteTree:
    """Home page, the five sections and the legal pages, as `depesche setup-site` makes them."""
    return site_setup(site_name="Depesche")


@pytest.fixture(scope="session", autouse=True)
def _initial_rows(django_db_setup) -> None:
    """Keep the test database's initial rows (Wagtail's root page, default site, groups …)
    for every `serialized_rollback` test to restore.

    Django keeps them on the connection object, which lives in a context variable: once
    Playwright's event loop ran in a thread (tests/browser, tests/security/
    test_csp_in_browser.py), a test may get a fresh connection object without them and would
    then find no root page. On the class, every connection object of the process has them."""
    from django.db import connections

    rows = getattr(connections["default"], "_test_serialized_contents", None)
    if rows:
        type(connections["default"])._test_serialized_contents = rows


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (German): a test that rendered English must
    not leave the next one's messages in English (the order differs between pytest-xdist
    runs)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached consent texts never leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache_on(settings) -> None:
    """Public pages are cached for five minutes (the test settings switch the cache off)."""
    settings.PAGE_CACHE_SECONDS = 300


class CaughtMails:
    """Mail received by a real SMTP server on loopback during one test.

    The server stores a mail before it answers 250, so once a send in this thread has
    returned, all() holds it: a test asserting that a call sent nothing more reads all() right
    after the call. wait() is for mails sent by another thread or process."""

    def __init__(self, folder) -> None:
        self.folder = folder

    def all(self):
        from depesche.demo.mailcatcher import mailbox

        return list(reversed(mailbox(self.folder)))  # oldest first

    def to(self, address: str):
        return [mail for mail in self.all() if address in mail.to]

    def wait(self, count: int, timeout: float = 5.0):
        """The first `count` mails, waiting briefly for the SMTP server to write them."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            mails = self.all()
            if len(mails) >= count or time.monotonic() > deadline:
                return mails
            time.sleep(0.02)


@pytest.fixture
def smtp_server(settings):
    """Starts real aiosmtpd servers on loopback, each on a port the OS chose.

    `smtp_server(handler)` serves `handler`, points Django's SMTP backend at it and returns the
    port; every server stops when the test ends. The one way the suite runs an SMTP server."""
    from tests.support.smtp import LoopbackController

    controllers: list[LoopbackController] = []

    def start(handler) -> int:
        controller = LoopbackController(handler)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        return controller.port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_mails(smtp_server, tmp_path):
    """The demo's mail catcher on loopback: each message Django sends is kept as an .eml file."""
    from depesche.demo.mailcatcher import MailCatcher

    folder = tmp_path / "mailbox"
    smtp_server(MailCatcher(folder).controller.handler)  # its handler, on our server
    return CaughtMails(folder)


@pytest.fixture
def sink(smtp_server):
    """A SlowSink SMTP server; this process's sending goes there, and worker processes are
    pointed at `sink.port`."""
    from tests.support.smtp import SlowSink

    handler = SlowSink()
    handler.port = smtp_server(handler)
    return handler


@pytest.fixture
def texts(site_tree) -> ShownTexts:
    """The consent and privacy texts a sign-up form shows."""
    return shown_texts()


@pytest.fixture
def energie(db) -> Tag:
    return Tag.objects.create(name="Energie", slug="energie")


class PurgeRecorder(BaseHTTPRequestHandler):
    received: list[tuple[str, str]] = []

    def do_PURGE(self) -> None:  # noqa: N802 (the HTTP method's name)
        PurgeRecorder.received.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy(settings):
    """A real HTTP server on loopback standing in for Varnish: records PURGE requests."""
    PurgeRecorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    yield PurgeRecorder.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def push_service(settings):
    """A Web Push service on loopback (tests/support/pushservice.py); browsers may subscribe
    with endpoints on it (plain http on loopback, which the settings otherwise refuse)."""
    from tests.support.pushservice import PushService, serve

    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = True
    service = PushService()
    server = serve(service)
    yield service
    server.shutdown()
    server.server_close()
