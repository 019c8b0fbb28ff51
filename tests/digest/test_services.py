"""Building, approving and scheduling the Wochenrückblick on the database."""

from __future__ import annotations

from datetime import datetime

import pytest

from depesche.digest import services
from depesche.digest.models import Digest, DigestTopic
from depesche.digest.services import (
    DigestEmpty,
    DigestLocked,
    WeekNotOver,
    digest_approve,
    digest_build,
    digest_work_once,
)
from depesche.readership.models import ArticleViews
from tests.support.digest_week import AFTER, BERLIN, END, WEEK, at


def headlines(digest: Digest) -> list[str]:
    return [topic.headline for topic in digest.topics.order_by("sort_order")]


def test_build_groups_ranks_and_summarises_the_week(week_articles):
    lines: list[str] = []
    digest = digest_build(week=WEEK, now=AFTER, progress=lines.append)
    assert digest.status == Digest.Status.DRAFT
    assert (digest.period_start, digest.period_end) == (at(14, 7), END)
    assert headlines(digest) == [
        "Bundestag beschließt den Haushalt für 2027",
        "Bahn und Gewerkschaft verhandeln wieder",  # the newest of the strike reports leads
        "Was die Zinssenkung für Sparer bedeutet",
        "Elefantennachwuchs im Leipziger Zoo",
    ]
    topics = list(digest.topics.order_by("sort_order"))
    strike = {a.pk for a in topics[1].articles.all()}
    assert strike == {week_articles[k].pk for k in ("streik1", "streik2", "streik3")}
    # Articles outside the period are in no topic.
    attached = set(DigestTopic.articles.through.objects.values_list("articlepage_id", flat=True))
    assert week_articles["before"].pk not in attached
    assert week_articles["after"].pk not in attached
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)
    for topic in topics:
        assert 0 < len(topic.summary) <= 600
    assert "Streik" in topics[1].summary
    assert any(line.startswith("Fasse zusammen: Thema 1/4") for line in lines)
    assert any(line.startswith("Fasse zusammen: Thema 4/4") for line in lines)
    assert digest.build_log.splitlines() == lines
    assert Digest.objects.get(pk=digest.pk).build_log.splitlines() == lines


def test_reads_of_the_week_lift_a_topic(week_articles):
    ArticleViews.objects.create(article=week_articles["zoo"], day=at(18).date(), count=5000)
    # Reads outside the period do not count.
    ArticleViews.objects.create(article=week_articles["zins1"], day=at(22).date(), count=90000)
    digest = digest_build(week=WEEK, now=AFTER)
    assert headlines(digest)[1] == "Elefantennachwuchs im Leipziger Zoo"
    assert headlines(digest)[-1] == "Was die Zinssenkung für Sparer bedeutet"


def test_topic_limits_come_from_the_settings(week_articles, settings):
    settings.DIGEST_MIN_TOPICS = 1
    settings.DIGEST_MAX_TOPICS = 2
    assert len(headlines(digest_build(week=WEEK, now=AFTER))) == 2


def test_a_draft_is_rebuilt_and_an_approved_week_is_refused(week_articles):
    digest = digest_build(week=WEEK, now=AFTER)
    topic = digest.topics.first()
    DigestTopic.objects.filter(pk=topic.pk).update(headline="Von Hand geändert")
    rebuilt = digest_build(week=WEEK, now=AFTER)
    assert rebuilt.pk == digest.pk
    assert "Von Hand geändert" not in headlines(rebuilt)
    assert DigestTopic.objects.filter(digest=digest).count() == 4

    digest_approve(digest=rebuilt, user=None)
    before = headlines(rebuilt)
    with pytest.raises(DigestLocked, match="bereits freigegeben"):
        digest_build(week=WEEK, now=AFTER)
    assert headlines(Digest.objects.get(pk=digest.pk)) == before


def test_approval_during_a_build_wins(week_articles, monkeypatch):
    real = services.summaries.summarise

    def approve_meanwhile(topic, *, max_chars):
        Digest.objects.filter(week=WEEK).update(status=Digest.Status.APPROVED)
        return real(topic, max_chars=max_chars)

    monkeypatch.setattr(services.summaries, "summarise", approve_meanwhile)
    with pytest.raises(DigestLocked):
        digest_build(week=WEEK, now=AFTER)


def test_a_week_that_has_not_ended_is_refused(db):
    with pytest.raises(WeekNotOver, match="2026-W47"):
        digest_build(week=WEEK, now=datetime(2026, 11, 21, 6, 0, tzinfo=BERLIN))
    assert not Digest.objects.exists()


def test_approve_records_who_and_when_and_calls_the_hook_after_commit(
    week_articles, django_user_model, django_capture_on_commit_callbacks, monkeypatch
):
    from depesche.digest import services

    called = []
    monkeypatch.setattr(services, "digest_on_approved", called.append)
    digest = digest_build(week=WEEK, now=AFTER)
    editor = django_user_model.objects.create_user("chefin", password="x")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approved = digest_approve(digest=digest, user=editor)
    assert called == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert [d.pk for d in called] == [digest.pk]
    stored = Digest.objects.get(pk=digest.pk)
    assert stored.status == Digest.Status.APPROVED
    assert stored.approved_by == editor
    assert stored.approved_at is not None
    assert stored.auto_approved is False
    assert approved.status == Digest.Status.APPROVED
    with pytest.raises(DigestLocked):
        digest_approve(digest=stored, user=editor)


def test_a_digest_without_topics_cannot_be_approved(db):
    digest = digest_build(week=WEEK, now=AFTER)
    assert digest.topics.count() == 0
    with pytest.raises(DigestEmpty):
        digest_approve(digest=digest, user=None)
    assert Digest.objects.get(pk=digest.pk).status == Digest.Status.DRAFT


def test_auto_approve_setting(week_articles, settings, django_capture_on_commit_callbacks):
    settings.DIGEST_AUTO_APPROVE = True
    with django_capture_on_commit_callbacks() as callbacks:
        digest = digest_build(week=WEEK, now=AFTER)
    stored = Digest.objects.get(pk=digest.pk)
    assert stored.status == Digest.Status.APPROVED
    assert stored.auto_approved is True
    assert stored.approved_by is None
    assert len(callbacks) == 1
    assert "Automatisch freigegeben" in stored.build_log


def test_auto_approve_leaves_an_empty_week_a_draft(db, settings):
    settings.DIGEST_AUTO_APPROVE = True
    digest = digest_build(week=WEEK, now=AFTER)
    assert Digest.objects.get(pk=digest.pk).status == Digest.Status.DRAFT


def test_worker_builds_once_per_slot(week_articles):
    assert digest_work_once(now=datetime(2026, 11, 21, 7, 0, 30, tzinfo=BERLIN)) == 1
    assert list(Digest.objects.values_list("week", flat=True)) == [WEEK]
    digest = Digest.objects.get()
    DigestTopic.objects.filter(digest=digest).update(headline="Redigiert")
    # Later rounds in the same week leave the (possibly edited) draft alone.
    assert digest_work_once(now=datetime(2026, 11, 24, 12, 0, tzinfo=BERLIN)) == 0
    assert set(headlines(digest)) == {"Redigiert"}
    # The next Saturday builds the next week.
    assert digest_work_once(now=datetime(2026, 11, 28, 7, 1, tzinfo=BERLIN)) == 1
    assert Digest.objects.filter(week="2026-W48").exists()


def test_worker_loop_is_configured():
    from django.conf import settings

    assert ("depesche.digest.services.digest_work_once", 30.0) in settings.WORKER_LOOPS
