"""Progress lines for the operator, on stderr: stdout carries the benchmark's JSON."""

from __future__ import annotations

import sys


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # noqa: T201 (progress for the operator)
