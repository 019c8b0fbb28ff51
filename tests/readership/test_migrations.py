"""digest.0003 moves the view counter's rows into readership without losing any.

Not a full migrate-backwards-and-forwards run (that costs a transactional database and minutes
of Wagtail's migrations): the old table is recreated as digest.0001 left it and the migration's
own forward function runs on it, in the test transaction."""

from __future__ import annotations

import importlib
from datetime import date

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from depesche.readership.models import ArticleViews
from tests.factories import publish_article

move = importlib.import_module("depesche.digest.migrations.0003_article_views_to_readership")


class _Editor:
    """What the forward function uses of a schema editor: the connection and execute()."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_rows_and_content_type_move_from_digest_to_readership(site_tree):
    article = publish_article(site_tree.sections["Politik"])
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "digest_articleviews" ("id" integer PRIMARY KEY, '
            '"day" date NOT NULL, "count" integer NOT NULL, "article_id" integer NOT NULL)'
        )
        # Ids given: "integer PRIMARY KEY" numbers rows by itself on SQLite only.
        cursor.execute(
            'INSERT INTO "digest_articleviews" ("id", "article_id", "day", "count") '
            "VALUES (1, %s, '2026-11-30', 7), (2, %s, '2026-12-01', 3)",
            [article.pk, article.pk],
        )
    ContentType.objects.filter(model="articleviews").delete()
    ContentType.objects.create(app_label="digest", model="articleviews")

    move.forward(apps, _Editor())
    ContentType.objects.clear_cache()  # the ids changed under Django's per-process cache

    rows = ArticleViews.objects.order_by("day").values_list("article_id", "day", "count")
    assert list(rows) == [(article.pk, date(2026, 11, 30), 7), (article.pk, date(2026, 12, 1), 3)]
    assert list(
        ContentType.objects.filter(model="articleviews").values_list("app_label", flat=True)
    ) == ["readership"]
