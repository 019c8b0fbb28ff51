"""The registry of kinds of mail (and of Web Push notifications): what the engine sends
without knowing the product.

A feature app describes each kind of mail it sends with a `MailKind` and registers it in its
`AppConfig.ready()`; the workers (delivery/sending.py) claim and send due rows of every
registered kind, in the order of registration. Delivery never imports a feature app: events flow
up through this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from depesche.delivery.models import OutboxRow
from depesche.delivery.rendering import Prepared


@dataclass(frozen=True)
class MailKind:
    """One kind of mail the workers send.

    `model` is an `OutboxRow` with a `subscriber` foreign key; `key` names the field of what is
    sent ("article" → `article_id`); the rows the instant workers send are its pending rows
    matching `due` (e.g. only the "sofort" ones). `prepare(key)` builds the message once for
    all its readers, or returns None when it is no longer to be sent (its rows are cancelled).
    `tagged` rows carry `matched_tags` and `matched_slugs` (the reader's followed tags).
    `each_round`, when given, runs at the start of every worker round before sending (e.g.
    finishing fan-outs whose worker died).
    """

    name: str
    model: type[OutboxRow]
    key: str
    prepare: Callable[[int], Prepared | None]
    due: dict[str, Any] = field(default_factory=dict)
    tagged: bool = False
    each_round: Callable[[], object] | None = None


@dataclass(frozen=True)
class PushMessage:
    """What a browser's notification about something shows: the payload's title, body and
    absolute URL (the topic is each row's own)."""

    title: str
    body: str
    url: str


@dataclass(frozen=True)
class PushKind:
    """One kind of Web Push notification the workers send (delivery/push_sending.py).

    `model` is an `OutboxRow` with a `subscription` foreign key (to audience.PushSubscription),
    `topic` and `urgency` fields; `key` names the field of what is notified ("article");
    `prepare(key)` builds its message once for all browsers, or returns None when it is no
    longer to be sent (its rows are cancelled). `each_round` as for MailKind.
    """

    name: str
    model: type[OutboxRow]
    key: str
    prepare: Callable[[int], PushMessage | None]
    each_round: Callable[[], object] | None = None


_KINDS: dict[str, MailKind] = {}
_PUSH_KINDS: dict[str, PushKind] = {}


def register(kind: MailKind) -> MailKind:
    """Add (or replace, by name) a kind of mail; returns it."""
    _KINDS[kind.name] = kind
    return kind


def registered() -> list[MailKind]:
    """Every registered kind, in the order of registration."""
    return list(_KINDS.values())


def register_push(kind: PushKind) -> PushKind:
    """Add (or replace, by name) a kind of push notification; returns it."""
    _PUSH_KINDS[kind.name] = kind
    return kind


def registered_push() -> list[PushKind]:
    """Every registered kind of push notification, in the order of registration."""
    return list(_PUSH_KINDS.values())


def outbox_models() -> list[type[OutboxRow]]:
    """The distinct outbox models of the registered kinds of mail (a model may serve several
    kinds); each has a `subscriber`."""
    return _distinct([kind.model for kind in _KINDS.values()])


def all_outbox_models() -> list[type[OutboxRow]]:
    """Those of mail and of push notifications: every row a worker may claim."""
    return _distinct(
        [kind.model for kind in _KINDS.values()] + [kind.model for kind in _PUSH_KINDS.values()]
    )


def _distinct(models: list[type[OutboxRow]]) -> list[type[OutboxRow]]:
    return list(dict.fromkeys(models))
