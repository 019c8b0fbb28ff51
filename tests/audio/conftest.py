from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture
def article_audio_on(settings):
    """Publication reads articles aloud (the test settings switch it off for other apps)."""
    settings.ARTICLE_AUDIO = True
    settings.PIPER_MODEL = ""


@pytest.fixture
def only_programs(monkeypatch, tmp_path):
    """PATH holding only the named programs: the others count as not installed."""

    original = os.environ["PATH"]
    calls = iter(range(100))

    def restrict(*names: str) -> None:
        folder = tmp_path / f"bin{next(calls)}"
        folder.mkdir()
        for name in names:
            target = shutil.which(name, path=original)
            assert target, f"{name} must be installed for this test"
            (folder / name).symlink_to(Path(target))
        monkeypatch.setenv("PATH", str(folder))

    return restrict
