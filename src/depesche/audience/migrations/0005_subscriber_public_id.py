"""Readers get an opaque random id for links and a token version that "forget this device"
raises. Existing rows each get their own random id, made by the database in one UPDATE."""

from typing import Any

from django.db import migrations, models

import depesche.audience.models

# A copy of audience.models.PUBLIC_ID_SQL as it was when this migration was written.
_RANDOM_HEX = {
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
    "sqlite": "lower(hex(randomblob(16)))",
}


def fill_public_ids(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("audience", "Subscriber")._meta.db_table
    expression = _RANDOM_HEX[schema_editor.connection.vendor]
    schema_editor.execute(
        f"UPDATE {schema_editor.quote_name(table)} SET public_id = {expression} "
        "WHERE public_id IS NULL"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audience", "0004_reader_data_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="public_id",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="subscriber",
            name="public_id",
            field=models.CharField(
                default=depesche.audience.models.public_id_new,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="subscriber",
            name="token_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
