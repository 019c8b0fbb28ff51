"""Tag alerts move here from the delivery app without touching the data.

The tables delivery_articlealert and delivery_delivery (created by delivery.0001–0003) stay as
they are: this migration only adds the models to this app's state (delivery.0005 removes them
from delivery's). The content types move with them (app_label "delivery" → "alerts"), so the
permissions granted to groups (e.g. view_delivery, the "Versand" menu) keep their rows and ids.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MOVED = ["articlealert", "delivery"]


def _move_content_types(apps, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if content_types.objects.filter(app_label=new, model=model).exists():
            continue  # already there (created by an earlier run): keep it
        content_types.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, "delivery", "alerts")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, "alerts", "delivery")


STATUS_CHOICES = [
    ("pending", "wartend"),
    ("sending", "wird gesendet"),
    ("sent", "gesendet"),
    ("failed", "fehlgeschlagen"),
    ("bounced", "unzustellbar"),
    ("cancelled", "storniert"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("audience", "0003_mail_once"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables exist in their final shape.
        ("delivery", "0004_digest_mail"),
        ("newsroom", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ArticleAlert",
                    fields=[
                        (
                            "article",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="alert",
                                serialize=False,
                                to="newsroom.articlepage",
                            ),
                        ),
                        ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("recipients", models.PositiveIntegerField(default=0)),
                        ("covered_to", models.BigIntegerField(default=0)),
                        ("first_id", models.BigIntegerField(default=0)),
                        ("last_id", models.BigIntegerField(default=0)),
                        (
                            "progressed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "delivery_articlealert"},
                ),
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=STATUS_CHOICES, default="pending", max_length=20
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("sofort", "sofort"),
                                    ("taeglich", "täglich"),
                                    ("woechentlich", "wöchentlich"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("matched_tags", models.TextField()),
                        ("matched_slugs", models.TextField(default="")),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="newsroom.articlepage",
                            ),
                        ),
                        (
                            "subscriber",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="audience.subscriber",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Zustellung",
                        "verbose_name_plural": "Zustellungen",
                        "db_table": "delivery_delivery",
                        "indexes": [
                            models.Index(
                                fields=["status", "kind", "next_attempt_at", "id"],
                                name="delivery_de_status_aeaf28_idx",
                            ),
                            models.Index(
                                fields=["article", "status"],
                                name="delivery_de_article_47bf68_idx",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("subscriber", "article"),
                                name="one_delivery_per_article",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
