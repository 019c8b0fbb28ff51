import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_dates(apps, schema_editor):
    """Existing taggings get their article's publication date (empty when not live)."""
    ArticlePageTag = apps.get_model("newsroom", "ArticlePageTag")
    Page = apps.get_model("wagtailcore", "Page")
    published = Page.objects.filter(pk=OuterRef("content_object_id"), live=True).values(
        "first_published_at"
    )[:1]
    ArticlePageTag.objects.update(published_at=Subquery(published))


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_articlepage_sponsor"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlepagetag",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        # Filled before the index exists: one index build instead of an update per row.
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="articlepagetag",
            index=models.Index(
                fields=["tag", "published_at", "content_object"], name="newsroom_tag_newest"
            ),
        ),
        # The composite index starts with the tag: the tag's own index goes.
        migrations.AlterField(
            model_name="articlepagetag",
            name="tag",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(app_label)s_%(class)s_items",
                to="taggit.tag",
            ),
        ),
    ]
