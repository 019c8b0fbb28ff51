"""The migrations that give existing readers their random public_id, and that add author
follows beside the tag follows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from depesche.audience.models import Subscriber

BEFORE = [("audience", "0004_reader_data_permissions")]
AFTER = [("audience", "0005_subscriber_public_id")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_readers_each_get_their_own_random_public_id():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("audience", "Subscriber")
        old.objects.bulk_create([old(email=f"leser{i}@example.org") for i in range(40)])
        executor.loader.build_graph()
        executor.migrate(AFTER)

        ids = list(Subscriber.objects.values_list("public_id", flat=True))
        assert len(ids) == 40 and len(set(ids)) == 40  # one value per row, not one for all
        assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
        assert set(Subscriber.objects.values_list("token_version", flat=True)) == {0}
        # New rows get theirs from the model's default.
        assert Subscriber.objects.create(email="neu@example.org").public_id not in ids
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_author_follows_arrive_beside_tag_follows_which_stay_as_they_were():
    before = [("audience", "0007_web_push_and_eilmeldungen")]
    after = [("audience", "0008_author_follows")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        reader = old.get_model("audience", "Subscriber").objects.create(email="a@example.org")
        tag = old.get_model("taggit", "Tag").objects.create(name="Energie", slug="energie")
        old.get_model("audience", "TagFollow").objects.create(
            subscriber=reader, tag=tag, frequency="taeglich", active=True
        )
        old.get_model("audience", "OptInRequest").objects.create(
            subscriber=reader, nonce="n" * 32, tag=tag, source="thema-folgen"
        )
        executor.loader.build_graph()
        executor.migrate(after)

        new = executor.loader.project_state(after).apps
        follows = new.get_model("audience", "TagFollow").objects.values_list(
            "subscriber__email", "tag__slug", "frequency", "active"
        )
        assert list(follows) == [("a@example.org", "energie", "taeglich", True)]
        optin = new.get_model("audience", "OptInRequest").objects.get()
        assert (optin.tag_id, optin.author_id) == (tag.pk, None)
        assert not new.get_model("audience", "AuthorFollow").objects.exists()
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
