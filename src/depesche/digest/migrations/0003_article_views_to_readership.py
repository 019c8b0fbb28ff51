"""The view counter moves to the readership app (below digest, so that the page templates can
use it too). Its rows are copied, not lost: readership.0001 created readership_articleviews in
the same shape (article, day, count; unique per article and day), this migration copies every
row of digest_articleviews into it with one INSERT … SELECT, moves the content type, then drops
the old table. Copying rather than renaming the table keeps the migrations' dependencies in the
layers' direction (digest depends on readership, never back) and works on a new database too,
where digest.0001 created an empty table. Backwards: the rows are copied back."""

from django.db import migrations

_COLUMNS = '"article_id", "day", "count"'


def _copy(schema_editor, source: str, target: str) -> None:
    quote = schema_editor.connection.ops.quote_name
    schema_editor.execute(
        f"INSERT INTO {quote(target)} ({_COLUMNS}) SELECT {_COLUMNS} FROM {quote(source)}"
    )


def _move_content_type(apps, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label=new, model="articleviews").exists():
        content_types.objects.filter(app_label=old, model="articleviews").update(app_label=new)


def forward(apps, schema_editor):
    _copy(schema_editor, "digest_articleviews", "readership_articleviews")
    _move_content_type(apps, "digest", "readership")


def backward(apps, schema_editor):
    _copy(schema_editor, "readership_articleviews", "digest_articleviews")
    schema_editor.execute('DELETE FROM "readership_articleviews"')
    _move_content_type(apps, "readership", "digest")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("digest", "0002_digest_mail"),
        ("readership", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="ArticleViews"),
    ]
