"""Suppression entries name their reason as the reader's status does ("erased", "complained",
"bounced"), so one precedence (audience.models.STATUS_RANK) orders both. Erasures recorded
before said "erasure"."""

from typing import Any

from django.db import migrations, models


def erasure_to_erased(apps: Any, schema_editor: Any) -> None:
    entries = apps.get_model("audience", "SuppressedAddress").objects
    entries.filter(reason="erasure").update(reason="erased")


def erased_to_erasure(apps: Any, schema_editor: Any) -> None:
    entries = apps.get_model("audience", "SuppressedAddress").objects
    entries.filter(reason="erased").update(reason="erasure")


class Migration(migrations.Migration):
    dependencies = [
        ("audience", "0005_subscriber_public_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="suppressedaddress",
            name="reason",
            field=models.CharField(
                choices=[
                    ("bounced", "unzustellbar"),
                    ("complained", "beschwert"),
                    ("erased", "gelöscht"),
                ],
                max_length=40,
            ),
        ),
        migrations.RunPython(erasure_to_erased, erased_to_erasure),
    ]
