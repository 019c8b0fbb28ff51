"""Reading agency files: one record or a list per file, a directory's files in name order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from depesche.wire.formats.base import RecordError


def load_records(path: Path) -> list[Any]:
    """The records of one file: one record (a JSON object) or a list. Raises RecordError."""
    try:
        # utf-8-sig: Windows tools often start UTF-8 files with a byte-order mark.
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise RecordError("expected a record (JSON object) or a list of records")


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; a directory stands for its *.json files (recursively, in name order)."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            expanded.append(path)
    return expanded
