"""The environment of a separate process started with the production settings: the test
run's own DEPESCHE_*/DJANGO_* variables, SECRET_KEY and DEBUG left out, so the process sees
only what the test gives it."""

from __future__ import annotations

import os
from pathlib import Path


def production_env(data_dir: Path, **variables: str) -> dict[str, str]:
    """Production settings, data in `data_dir`, served at https://www.example.de; `variables`
    add to or replace those."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEPESCHE_", "DJANGO_")) and key not in {"SECRET_KEY", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="depesche.config.settings.production",
        DEPESCHE_DATA_DIR=str(data_dir),
        DEPESCHE_BASE_URL="https://www.example.de",
    )
    env.update(variables)
    return env
