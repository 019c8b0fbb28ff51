"""The migration that gives existing readers their random public_id."""

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
