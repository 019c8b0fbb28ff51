"""System checks of Depesche's own settings (`depesche check --deploy`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error

_ROLE = {
    "SECRET_KEY": "signs the links in mails (confirmation, preferences, unsubscribe) and sessions",
    "DEPESCHE_HASH_SALT": "hashes erased and suppressed addresses",
}


def shared_secrets_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A secret generated in the data folder is an error where the settings require shared ones.

    Each machine would generate its own: links a worker mails would fail on the web machine, and
    an erased address would hash differently and could sign up again without trace.
    """
    if not settings.REQUIRE_SHARED_SECRETS:
        return []
    return [
        Error(
            f"{name} is not set, so this machine uses its own, generated in "
            f"{settings.DATA_DIR}. It {_ROLE[name]}; every web and worker machine must share "
            "one value.",
            hint=(
                f"Make one with `depesche generate-secret` and set {name} to it in the "
                "environment of every machine (docs/deploy.md)."
            ),
            id="depesche.E001" if name == "SECRET_KEY" else "depesche.E002",
        )
        for name in settings.GENERATED_SECRETS
    ]
