from __future__ import annotations

import pytest

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


class CaughtMails:
    """Mail received by a real SMTP server on loopback during one test."""

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
def smtp_mails(settings, tmp_path):
    """A real aiosmtpd server on 127.0.0.1; Django's SMTP backend sends to it."""
    import socket

    from depesche.demo.mailcatcher import MailCatcher

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tmp_path / "mailbox"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with MailCatcher(folder, port=port):
        yield CaughtMails(folder)
