"""The email service's webhooks (django-anymail): bounces, complaints and unsubscribes it
tracks, and mail to the List-Unsubscribe mailto: address it receives for us."""

from __future__ import annotations

import logging
import re
from typing import Any

from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent
from django.conf import settings

from depesche.audience.links import unsubscribe_target
from depesche.audience.services import (
    SUPPRESSION_REASONS,
    Visit,
    email_normalise,
    list_unsubscribe,
    subscriber_suppress,
)
from depesche.core.tokens import TokenInvalid

logger = logging.getLogger(__name__)

# What the mailto: link puts in the subject: "unsubscribe <one-click token>". Signed tokens are
# URL-safe base64 and colons. Only this form counts: a quoted one-click URL in a reply does not.
_UNSUBSCRIBE = re.compile(r"\bunsubscribe\s+([A-Za-z0-9_\-]+(?::[A-Za-z0-9_\-]+)+)", re.I)
MAILTO_VISIT = Visit(source="mailto")


def on_tracking_event(
    sender: type, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    # Deliveries, opens, clicks, deferrals …: nothing to do. An error here answers 500, and
    # the service sends the event again later.
    if event.event_type in SUPPRESSION_REASONS and event.recipient:
        subscriber_suppress(email=event.recipient, reason=event.event_type)


def _addressed_to_us(message: Any) -> bool:
    ours = email_normalise(settings.UNSUBSCRIBE_MAILTO)
    if not ours:
        return False  # no mailto: offered, so none of this mail is ours to act on
    recipients = [address.addr_spec for address in [*message.to, *message.cc]]
    recipients.append(message.envelope_recipient or "")
    return ours in {email_normalise(address) for address in recipients}


def on_inbound_message(
    sender: type, event: AnymailInboundEvent, esp_name: str, **kwargs: Any
) -> None:
    """A mail to the List-Unsubscribe mailto: address (RFC 2369) ends the list its token names.

    The token decides who is unsubscribed, not the From header (which anyone can forge): it is
    the same proof as the one-click link. Mail without a valid token is logged and dropped
    (answering an error would only make the service send it again)."""
    message = event.message
    if message is None or not _addressed_to_us(message):
        return
    found = None
    for text in (message.subject or "", message.text or ""):
        found = _UNSUBSCRIBE.search(text)
        if found:
            break
    if found is None:
        logger.info("mail to the unsubscribe address without a token ignored (%s)", esp_name)
        return
    try:
        target = unsubscribe_target(token=found.group(1))
    except TokenInvalid:
        logger.info("mail to the unsubscribe address with an invalid token ignored (%s)", esp_name)
        return
    if target.subscriber is not None:
        list_unsubscribe(subscriber=target.subscriber, list_id=target.list_id, visit=MAILTO_VISIT)
