"""System checks of Depesche's own settings (`depesche check --deploy`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error

from depesche.config import vapid

_ROLE = {
    "SECRET_KEY": "signs the links in mails (confirmation, preferences, unsubscribe) and sessions",
    "DEPESCHE_HASH_SALT": "hashes erased and suppressed addresses",
    "DEPESCHE_VAPID_PRIVATE_KEY": "signs Web Push requests; browsers subscribed with its key",
}

_GENERATOR = {"DEPESCHE_VAPID_PRIVATE_KEY": "generate-vapid"}
_IDS = {
    "SECRET_KEY": "depesche.E001",
    "DEPESCHE_HASH_SALT": "depesche.E002",
    "DEPESCHE_VAPID_PRIVATE_KEY": "depesche.E003",
}


def vapid_pair_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """The VAPID public key browsers subscribe with must belong to the private key we sign
    with: otherwise every push service refuses every request."""
    try:
        derived = vapid.public_key(settings.VAPID_PRIVATE_KEY)
    except vapid.VapidKeyInvalid as exc:
        return [
            Error(
                f"DEPESCHE_VAPID_PRIVATE_KEY is {exc}.",
                hint="Make a pair with `depesche generate-vapid`.",
                id="depesche.E004",
            )
        ]
    if derived != settings.VAPID_PUBLIC_KEY.rstrip("="):
        return [
            Error(
                "DEPESCHE_VAPID_PUBLIC_KEY does not belong to DEPESCHE_VAPID_PRIVATE_KEY.",
                hint="Set both from one `depesche generate-vapid`, or leave the public key empty.",
                id="depesche.E005",
            )
        ]
    return []


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
                f"Make one with `depesche {_GENERATOR.get(name, 'generate-secret')}` and set "
                f"{name} to it in the environment of every machine (docs/deploy.md)."
            ),
            id=_IDS[name],
        )
        for name in settings.GENERATED_SECRETS
    ]
