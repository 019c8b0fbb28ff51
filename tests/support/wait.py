"""Waiting on an observable event with a deadline, instead of sleeping and hoping."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    predicate: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.01, what: str = ""
) -> T:
    """Call `predicate` until it returns something truthy and return that; fail the test after
    `timeout` seconds, naming `what` was awaited.

    The deadline is an upper bound only: a test waits as long as the event takes, never longer,
    and a slow machine fails with a message instead of a wrong assertion later.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)
