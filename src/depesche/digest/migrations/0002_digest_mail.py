"""The Wochenrückblick's outbox (DigestMail) moves here from the delivery app without touching
the data: the table delivery_digestmail (created by delivery.0004) stays as it is; this
migration only adds the model to this app's state (delivery.0005 removes it from delivery's).
Its content type moves along (app_label "delivery" → "digest"), keeping its permissions."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def _move_content_type(apps, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label=new, model="digestmail").exists():
        content_types.objects.filter(app_label=old, model="digestmail").update(app_label=new)


def content_type_forward(apps, schema_editor):
    _move_content_type(apps, "delivery", "digest")


def content_type_backward(apps, schema_editor):
    _move_content_type(apps, "digest", "delivery")


class Migration(migrations.Migration):
    dependencies = [
        ("audience", "0003_mail_once"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The table exists in its final shape.
        ("delivery", "0004_digest_mail"),
        ("digest", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DigestMail",
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
                                choices=[
                                    ("pending", "wartend"),
                                    ("sending", "wird gesendet"),
                                    ("sent", "gesendet"),
                                    ("failed", "fehlgeschlagen"),
                                    ("bounced", "unzustellbar"),
                                    ("cancelled", "storniert"),
                                ],
                                default="pending",
                                max_length=20,
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
                            "digest",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mails",
                                to="digest.digest",
                            ),
                        ),
                        (
                            "subscriber",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="digest_mails",
                                to="audience.subscriber",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Wochenrückblick-Zustellung",
                        "verbose_name_plural": "Wochenrückblick-Zustellungen",
                        "db_table": "delivery_digestmail",
                        "indexes": [
                            models.Index(
                                fields=["status", "next_attempt_at", "id"],
                                name="delivery_di_status_25a14d_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("digest", "subscriber"), name="one_mail_per_digest"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forward, content_type_backward),
    ]
