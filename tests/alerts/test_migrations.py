"""The migrations that move tag alerts (delivery → alerts) and the Wochenrückblick's outbox
(delivery → digest): rows, content types and the permissions granted to groups survive."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from depesche.alerts.models import ArticleAlert, Delivery
from depesche.audience.models import Subscriber
from depesche.digest.models import Digest, DigestMail
from tests.factories import save_draft_article

# Before the move: the three models were the delivery app's (and the alerts app had none).
OLD_STATE = [("digest", "0001_initial"), ("delivery", "0004_digest_mail")]
BEFORE = [("alerts", None), *OLD_STATE]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_and_group_permissions_survive_the_move(site_tree):
    article = save_draft_article(site_tree.sections["Wirtschaft"], title="Strompreise")
    reader = Subscriber.objects.create(email="leserin@example.org", status="active")
    now = timezone.now()
    digest = Digest.objects.create(
        week="2026-W47", period_start=now - timedelta(days=7), period_end=now
    )
    view = Permission.objects.get(content_type__app_label="alerts", codename="view_delivery")
    editors = Group.objects.create(name="Versand lesen")
    editors.permissions.add(view)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(OLD_STATE).apps
        # Back in the old state the content types are delivery's, with the same rows.
        assert Permission.objects.get(pk=view.pk).content_type.app_label == "delivery"
        delivery = old.get_model("delivery", "Delivery").objects.create(
            subscriber_id=reader.pk,
            article_id=article.pk,
            kind="sofort",
            matched_tags="Energie",
            matched_slugs="energie",
            status="sent",
        )
        old.get_model("delivery", "ArticleAlert").objects.create(
            article_id=article.pk, recipients=1
        )
        mail = old.get_model("delivery", "DigestMail").objects.create(
            digest_id=digest.pk, subscriber_id=reader.pk
        )

        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

        moved = Delivery.objects.get()
        assert (moved.pk, moved.subscriber_id, moved.article_id) == (
            delivery.pk,
            reader.pk,
            article.pk,
        )
        assert (moved.kind, moved.matched_tags, moved.status) == ("sofort", "Energie", "sent")
        assert ArticleAlert.objects.get().recipients == 1
        assert DigestMail.objects.get().pk == mail.pk
        # The same content type rows, now under their new apps: nothing granted is lost. (Read
        # from the table: get_for_model's cache would not see a row left behind.)
        alerts = ContentType.objects.get(app_label="alerts", model="delivery")
        assert alerts.pk == view.content_type_id
        assert ContentType.objects.filter(app_label="alerts", model="articlealert").exists()
        assert ContentType.objects.filter(app_label="digest", model="digestmail").exists()
        assert not ContentType.objects.filter(
            app_label="delivery", model__in=["delivery", "articlealert", "digestmail"]
        ).exists()
        permission = editors.permissions.get()
        assert (permission.pk, permission.content_type_id) == (view.pk, alerts.pk)
        user = User.objects.create_user("redaktion")
        user.groups.add(editors)
        assert user.has_perm("alerts.view_delivery")
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
