"""The agency example records in tests/fixtures/wire/ (see its README.md), read as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wire"


def wire_record(name: str) -> Any:
    """One fixture record by its path under tests/fixtures/wire/, e.g. "ninjs/2.0/ntb_text.json"."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def wire_record_names() -> list[str]:
    return sorted(str(path.relative_to(FIXTURES)) for path in FIXTURES.rglob("*.json"))
