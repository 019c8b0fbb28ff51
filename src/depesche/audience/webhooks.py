"""The email service's tracking webhooks (django-anymail): bounces, complaints, unsubscribes."""

from __future__ import annotations

from typing import Any

from anymail.signals import AnymailTrackingEvent

from depesche.audience.services import SUPPRESSION_REASONS, subscriber_suppress


def on_tracking_event(
    sender: type, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    # Deliveries, opens, clicks, deferrals …: nothing to do. An error here answers 500, and
    # the service sends the event again later.
    if event.event_type in SUPPRESSION_REASONS and event.recipient:
        subscriber_suppress(email=event.recipient, reason=event.event_type)
