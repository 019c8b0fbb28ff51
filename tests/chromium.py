"""Debian's Chromium through Playwright, for the browser journeys and the CSP check."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("DEPESCHE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextlib.contextmanager
def launched_chromium() -> Iterator[Any]:
    """A Chromium for a package's tests (its fixture has package scope), closed after them.

    Package scope, not session: Playwright's sync API keeps an asyncio loop running in this
    thread while it is open, and Django refuses ORM calls from such a thread. The tests' own
    ORM calls (seeding, checking) are plain synchronous code between browser steps, so the
    check is switched off only while the browser is open, and the rest of the suite runs
    without the loop and with the check.
    """
    from playwright.sync_api import sync_playwright

    if shutil.which(CHROMIUM) is None:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install "
            "chromium) or point DEPESCHE_CHROMIUM at a Chromium binary."
        )
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before
