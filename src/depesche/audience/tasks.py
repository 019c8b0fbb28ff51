"""Background work for readers: each task takes IDs, calls one operation, is safe to run twice.

Imports only modules that never schedule a task themselves (mails, erasure): the services that
schedule these tasks (signup) import this module, never the other way round."""

from __future__ import annotations

from django_tasks import task

from depesche.audience import mails
from depesche.audience.erasure import optins_purge_unconfirmed


@task()
def optin_mail_send_task(optin_id: int) -> bool:
    return mails.optin_mail_send(optin_id=optin_id)


@task()
def already_subscribed_note_task(subscriber_id: int) -> bool:
    return mails.already_subscribed_note_send(subscriber_id=subscriber_id)


@task()
def preference_link_send_task(subscriber_id: int) -> bool:
    return mails.preference_link_send(subscriber_id=subscriber_id)


@task()
def welcome_mail_send_task(subscriber_id: int) -> bool:
    return mails.welcome_mail_send(subscriber_id=subscriber_id)


@task()
def optins_purge_task() -> int:
    return optins_purge_unconfirmed()
