"""Daily and weekly bundles over a real SMTP server on loopback: slots, content, failures."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from depesche.alerts.bundles import bundle_message_id, bundles_work_once, slot_for
from depesche.alerts.models import Delivery
from depesche.audience.models import Subscriber, TagFollow
from depesche.delivery.slots import BERLIN, last_slot
from depesche.newsroom.models import ArticlePage
from tests import factories
from tests.factories import publish_article

DAILY, WEEKLY = TagFollow.Frequency.DAILY, TagFollow.Frequency.WEEKLY


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def follower(email: str, *tags: str, frequency: str = DAILY) -> Subscriber:
    return factories.follower(email, *tags, frequency=frequency)


def publish(site_tree, capture, *tags: str, title: str) -> ArticlePage:
    with capture(execute=True):
        return publish_article(site_tree.sections["Wirtschaft"], tags=list(tags), title=title)


def queued_at(article: ArticlePage, when: datetime) -> None:
    """Pretend the fan-out for `article` ran at `when`."""
    Delivery.objects.filter(article=article).update(created_at=when, next_attempt_at=when)


def statuses() -> dict[tuple[str, str], str]:
    rows = Delivery.objects.values_list("subscriber__email", "article__title", "status")
    return {(email, title): status for email, title, status in rows}


# --- slots ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (berlin(2025, 6, 10, 6, 59), berlin(2025, 6, 9, 7, 0)),
        (berlin(2025, 6, 10, 7, 0), berlin(2025, 6, 10, 7, 0)),
        (berlin(2025, 6, 10, 23, 30), berlin(2025, 6, 10, 7, 0)),
        (berlin(2025, 1, 1, 0, 10), berlin(2024, 12, 31, 7, 0)),
        # Spring forward (30 March 2025): 07:00 is 05:00 UTC that day, 06:00 UTC the day before.
        (utc(2025, 3, 30, 5, 30), utc(2025, 3, 30, 5, 0)),
        (utc(2025, 3, 30, 4, 59), utc(2025, 3, 29, 6, 0)),
        # Fall back (26 October 2025): 07:00 is 06:00 UTC that day, 05:00 UTC the day before.
        (utc(2025, 10, 26, 6, 0), utc(2025, 10, 26, 6, 0)),
        (utc(2025, 10, 26, 5, 30), utc(2025, 10, 25, 5, 0)),
    ],
)
def test_daily_slot_is_the_last_seven_oclock_in_berlin(now, expected):
    assert last_slot(now, at=time(7, 0)) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (berlin(2025, 6, 14, 7, 0), berlin(2025, 6, 14, 7, 0)),  # Saturday at seven
        (berlin(2025, 6, 14, 6, 59), berlin(2025, 6, 7, 7, 0)),
        (berlin(2025, 6, 13, 12, 0), berlin(2025, 6, 7, 7, 0)),  # Friday
        (berlin(2025, 6, 15, 0, 1), berlin(2025, 6, 14, 7, 0)),  # Sunday
        # The week across the fall-back switch is 169 hours long.
        (utc(2025, 11, 1, 5, 30), utc(2025, 10, 25, 5, 0)),
        (utc(2025, 11, 1, 6, 0), utc(2025, 11, 1, 6, 0)),
    ],
)
def test_weekly_slot_is_the_last_saturday_at_seven_in_berlin(now, expected):
    assert last_slot(now, at=time(7, 0), weekday=5) == expected


def test_slots_follow_the_settings(settings):
    settings.ALERT_DAILY_AT = time(18, 30)
    settings.ALERT_WEEKLY_AT = (0, time(6, 0))  # Monday
    now = berlin(2025, 6, 11, 12, 0)  # Wednesday noon
    assert slot_for(DAILY, now) == berlin(2025, 6, 10, 18, 30)
    assert slot_for(WEEKLY, now) == berlin(2025, 6, 9, 6, 0)
    with pytest.raises(ValueError, match="sofort"):
        slot_for(TagFollow.Frequency.INSTANT, now)


# --- daily ---------------------------------------------------------------------------------


def test_a_daily_reader_gets_one_mail_at_seven_listing_every_article(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    reader = follower("a@example.org", "Energie", "Klima", "Haushalt")
    first = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Strom billig")
    second = publish(site_tree, django_capture_on_commit_callbacks, "Klima", title="Hitzewelle")
    queued_at(first, berlin(2025, 6, 10, 6, 10))
    queued_at(second, berlin(2025, 6, 10, 6, 40))

    assert bundles_work_once(now=berlin(2025, 6, 10, 6, 59)) == 0
    assert smtp_mails.all() == []
    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 1
    [mail] = smtp_mails.wait(1)

    assert mail.to == "a@example.org"
    assert mail.subject == "Ihre Themen des Tages: 2 neue Artikel"
    text = mail.body("plain")
    assert text.index("Hitzewelle") < text.index("Strom billig")  # newest first
    assert "Themen: Energie" in text and "Themen: Klima" in text
    assert f"http://testserver{first.url}" in text and f"http://testserver{second.url}" in text
    assert "Ein kurzer Vorspann für den Test." in text
    assert f'href="http://testserver{second.url}"' in mail.html
    slot = berlin(2025, 6, 10, 7, 0)
    expected_id = bundle_message_id(subscriber_id=reader.pk, kind=DAILY, slot=slot)
    assert mail.message["Message-ID"].strip() == f"<{expected_id}>"  # may be folded
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(statuses().values()) == {"sent"}

    # Exactly once: later runs the same day find nothing.
    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 1)) == 0
    assert bundles_work_once(now=berlin(2025, 6, 10, 20, 0)) == 0
    assert len(smtp_mails.all()) == 1  # sent synchronously: a second would be here

    # One click ends exactly the tags this bundle named.
    url = re.search(r"<http://testserver(/abo/abmelden/[^>]+)>", mail.list_unsubscribe).group(1)
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    left = set(TagFollow.objects.filter(subscriber=reader).values_list("tag__name", flat=True))
    assert left == {"Haushalt"}


def test_an_article_after_seven_waits_for_the_next_day(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie")
    early = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Früh")
    late = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Spät")
    queued_at(early, berlin(2025, 6, 10, 6, 59))
    queued_at(late, berlin(2025, 6, 10, 7, 1))

    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 30)) == 1
    [first] = smtp_mails.wait(1)
    assert first.subject == "Ihre Themen des Tages: 1 neuer Artikel"
    assert "Früh" in first.body() and "Spät" not in first.body()
    assert statuses()[("a@example.org", "Spät")] == "pending"

    assert bundles_work_once(now=berlin(2025, 6, 11, 6, 59)) == 0
    assert bundles_work_once(now=berlin(2025, 6, 11, 7, 0)) == 1
    second = smtp_mails.wait(2)[1]
    assert "Spät" in second.body() and "Früh" not in second.body()
    assert second.message["Message-ID"] != first.message["Message-ID"]


def test_instant_alerts_are_left_to_the_instant_workers(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    follower("sofort@example.org", "Energie", frequency=TagFollow.Frequency.INSTANT)
    follower("taeglich@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Strom")
    queued_at(article, berlin(2025, 6, 10, 6, 0))

    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 1
    assert [mail.to for mail in smtp_mails.wait(1)] == ["taeglich@example.org"]
    instant = Delivery.objects.get(subscriber__email="sofort@example.org")
    assert (instant.status, instant.attempts, instant.claimed_at) == ("pending", 0, None)


# The worker's task loop takes SQLite's write lock with its own BEGIN, as in production, so it
# cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_sends_due_bundles(
    site_tree, smtp_mails, settings, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Strom")
    queued_at(article, timezone.now() - timedelta(days=2))  # a daily slot has surely passed
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    call_command("worker", batch=True)
    assert [mail.to for mail in smtp_mails.wait(1)] == ["a@example.org"]
    assert statuses() == {("a@example.org", "Strom"): "sent"}


# --- weekly --------------------------------------------------------------------------------


def test_a_weekly_reader_gets_one_mail_on_saturday(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    reader = follower("w@example.org", "Energie", "Klima", frequency=WEEKLY)
    monday = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Montag")
    friday = publish(site_tree, django_capture_on_commit_callbacks, "Klima", title="Freitag")
    queued_at(monday, berlin(2025, 6, 9, 10, 0))
    queued_at(friday, berlin(2025, 6, 13, 22, 0))

    # Daily slots come and go: weekly rows wait for Saturday.
    assert bundles_work_once(now=berlin(2025, 6, 12, 7, 0)) == 0
    assert bundles_work_once(now=berlin(2025, 6, 14, 6, 59)) == 0
    assert smtp_mails.all() == []
    assert bundles_work_once(now=berlin(2025, 6, 14, 7, 0)) == 1
    [mail] = smtp_mails.wait(1)
    assert mail.subject == "Ihre Themen der Woche: 2 neue Artikel"
    assert "Montag" in mail.body() and "Freitag" in mail.body()
    slot = berlin(2025, 6, 14, 7, 0)
    expected_id = bundle_message_id(subscriber_id=reader.pk, kind=WEEKLY, slot=slot)
    assert mail.message["Message-ID"].strip() == f"<{expected_id}>"  # may be folded
    assert bundles_work_once(now=berlin(2025, 6, 15, 7, 0)) == 0
    assert len(smtp_mails.all()) == 1  # sent synchronously: a second would be here


# --- who and what drops out ----------------------------------------------------------------


def test_readers_who_left_or_bounced_get_nothing(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    follower("da@example.org", "Energie")
    left = follower("weg@example.org", "Energie")
    bounced = follower("kaputt@example.org", "Energie", frequency=WEEKLY)
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Strom")
    queued_at(article, berlin(2025, 6, 9, 6, 0))
    Subscriber.objects.filter(pk=left.pk).update(status="unsubscribed")
    Subscriber.objects.filter(pk=bounced.pk).update(status="bounced")

    assert bundles_work_once(now=berlin(2025, 6, 14, 7, 0)) == 1
    assert [mail.to for mail in smtp_mails.all()] == ["da@example.org"]  # sent synchronously
    assert statuses() == {
        ("da@example.org", "Strom"): "sent",
        ("weg@example.org", "Strom"): "cancelled",
        ("kaputt@example.org", "Strom"): "cancelled",
    }


def test_articles_taken_down_drop_out_of_the_bundle(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie", "Klima", "Sport")
    follower("b@example.org", "Sport")
    kept = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Bleibt")
    unpublished = publish(site_tree, django_capture_on_commit_callbacks, "Klima", title="Weg")
    raced = publish(site_tree, django_capture_on_commit_callbacks, "Sport", title="Zurückgezogen")
    for article in (kept, unpublished, raced):
        queued_at(article, berlin(2025, 6, 10, 6, 0))
    with django_capture_on_commit_callbacks(execute=True):
        unpublished.unpublish()
    # Taken down without the signal's cancellation, e.g. between fan-out and claim.
    ArticlePage.objects.filter(pk=raced.pk).update(live=False)

    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 1
    [mail] = smtp_mails.all()  # b's only article is gone: no mail at all
    assert mail.to == "a@example.org"
    assert mail.subject == "Ihre Themen des Tages: 1 neuer Artikel"
    assert "Bleibt" in mail.body()
    assert "Weg" not in mail.body() and "Zurückgezogen" not in mail.body()
    assert statuses() == {
        ("a@example.org", "Bleibt"): "sent",
        ("a@example.org", "Weg"): "cancelled",
        ("a@example.org", "Zurückgezogen"): "cancelled",
        ("b@example.org", "Zurückgezogen"): "cancelled",
    }


# --- failures ------------------------------------------------------------------------------


def test_a_temporary_failure_is_retried_after_backoff(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp(temporary={"a@example.org"})
    follower("a@example.org", "Energie", "Klima")
    one = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Eins")
    two = publish(site_tree, django_capture_on_commit_callbacks, "Klima", title="Zwei")
    queued_at(one, berlin(2025, 6, 10, 6, 0))
    queued_at(two, berlin(2025, 6, 10, 6, 0))
    seven = berlin(2025, 6, 10, 7, 0)

    assert bundles_work_once(now=seven) == 0
    rows = list(Delivery.objects.all())
    assert {row.status for row in rows} == {"pending"}
    assert all(row.last_error.startswith("451") and row.attempts == 1 for row in rows)
    assert len({row.next_attempt_at for row in rows}) == 1  # the bundle stays together
    assert rows[0].next_attempt_at > seven

    assert bundles_work_once(now=seven + timedelta(seconds=10)) == 0  # backing off
    assert bundles_work_once(now=seven + timedelta(hours=1)) == 1
    assert server.recipients == ["a@example.org"]
    assert set(statuses().values()) == {"sent"}


def test_a_bundle_out_of_attempts_is_marked_failed(
    site_tree, smtp, settings, django_capture_on_commit_callbacks
):
    settings.ALERT_MAX_ATTEMPTS = 1
    server = smtp(temporary={"a@example.org"})
    follower("a@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Eins")
    queued_at(article, berlin(2025, 6, 10, 6, 0))
    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 0
    assert bundles_work_once(now=berlin(2025, 6, 11, 7, 0)) == 0
    assert server.recipients == []
    assert statuses() == {("a@example.org", "Eins"): "failed"}


def test_a_permanent_failure_bounces_and_suppresses(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp(permanent={"weg@example.org"})
    gone = follower("weg@example.org", "Energie")
    follower("weg@example.org", "Sport", frequency=TagFollow.Frequency.INSTANT)
    follower("da@example.org", "Energie")
    daily = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Strom")
    publish(site_tree, django_capture_on_commit_callbacks, "Sport", title="Fußball")
    queued_at(daily, berlin(2025, 6, 10, 6, 0))

    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 1
    assert server.recipients == ["da@example.org"]
    gone.refresh_from_db()
    assert gone.status == "bounced" and gone.is_suppressed
    assert statuses() == {
        ("weg@example.org", "Strom"): "bounced",
        ("weg@example.org", "Fußball"): "cancelled",  # the queued instant alert too
        ("da@example.org", "Strom"): "sent",
    }


def test_a_bundles_message_id_and_links_carry_no_reader_pk(
    site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(pk=987654, email="a@example.org", status=Subscriber.Status.ACTIVE)
    reader = follower("a@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Strom")
    queued_at(article, berlin(2025, 6, 10, 6, 10))
    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 1
    [mail] = smtp_mails.wait(1)

    assert "987654" not in str(mail.message["Message-ID"])
    text = mail.body("plain") + str(mail.message["List-Unsubscribe"])
    tokens = re.findall(r"/abo/(?:link|abmelden)/([^/\s\"<>]+)/", text)
    assert len(tokens) >= 2
    for token in tokens:
        value = json.dumps(json.loads(signing.b64_decode(token.split(":")[0].encode())))
        assert "987654" not in value and reader.public_id in value


def test_a_bundle_that_cannot_be_built_fails_alone(
    site_tree, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    follower("a@example.org", "Energie")
    follower("kaputt\u2028@example.org", "Energie")  # no header can carry this address
    follower("c@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Eins")
    queued_at(article, berlin(2025, 6, 10, 6, 0))

    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 2

    assert sorted(server.recipients) == ["a@example.org", "c@example.org"]
    assert statuses() == {
        ("a@example.org", "Eins"): "sent",
        ("kaputt\u2028@example.org", "Eins"): "failed",
        ("c@example.org", "Eins"): "sent",
    }
    assert Delivery.objects.get(status="failed").last_error.startswith("build: ")
    assert not Delivery.objects.filter(status="sending").exists()


def test_refused_addresses_are_masked_in_the_bundle_log(
    site_tree, smtp, caplog, our_log_lines, django_capture_on_commit_callbacks
):
    smtp(permanent={"anna.berg@example.org"})
    follower("anna.berg@example.org", "Energie")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", title="Eins")
    queued_at(article, berlin(2025, 6, 10, 6, 0))
    caplog.set_level(logging.DEBUG, logger="depesche")

    assert bundles_work_once(now=berlin(2025, 6, 10, 7, 0)) == 0

    assert statuses() == {("anna.berg@example.org", "Eins"): "bounced"}
    logged = our_log_lines()
    assert "550 5.1.1 <a***@example.org>: Recipient address rejected" in logged
    assert "anna.berg@" not in logged
    row = Delivery.objects.get()
    assert "anna.berg@" not in row.last_error
