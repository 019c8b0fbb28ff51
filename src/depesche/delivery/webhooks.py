"""The email service's webhooks (django-anymail): bounces, complaints and unsubscribes it
tracks, and mail to the List-Unsubscribe mailto: address it receives for us.

anymail's views (routed in the root URLconf under /anymail/ when a webhook secret is set) check
the secret and send its signals; these receivers act on them."""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from django.conf import settings

from depesche.audience.ledger import Visit, email_normalise
from depesche.audience.links import token_in_mail, unsubscribe_target
from depesche.audience.models import Subscriber
from depesche.audience.subscriptions import list_unsubscribe
from depesche.core.tokens import TokenInvalid
from depesche.delivery.suppression import address_suppress

logger = logging.getLogger(__name__)

# anymail's normalised event types that suppress, and what they record. Deliveries, opens,
# clicks, deferrals …: nothing to do.
SUPPRESSING_EVENTS = {
    "bounced": Subscriber.Status.BOUNCED,
    "rejected": Subscriber.Status.BOUNCED,
    "complained": Subscriber.Status.COMPLAINED,
    "unsubscribed": Subscriber.Status.UNSUBSCRIBED,
}
MAILTO_VISIT = Visit(source="mailto")


def on_tracking_event(
    sender: type, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    # An error here answers 500, and the service sends the event again later.
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if reason is not None and event.recipient:
        address_suppress(
            reason=reason, email=event.recipient, detail=f"{esp_name}: {event.event_type}"
        )


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
    token = token_in_mail(message.subject or "") or token_in_mail(message.text or "")
    if token is None:
        logger.info("mail to the unsubscribe address without a token ignored (%s)", esp_name)
        return
    try:
        target = unsubscribe_target(token=token)
    except TokenInvalid:
        logger.info("mail to the unsubscribe address with an invalid token ignored (%s)", esp_name)
        return
    if target.subscriber is not None:
        list_unsubscribe(subscriber=target.subscriber, list_id=target.list_id, visit=MAILTO_VISIT)


def connect() -> None:
    tracking.connect(on_tracking_event, dispatch_uid="delivery.email_service_tracking")
    inbound.connect(on_inbound_message, dispatch_uid="delivery.email_service_inbound")
