"""Tag alerts (ArticleAlert, Delivery) moved to the alerts app and the Wochenrückblick's
DigestMail to digest: removed from this app's state only. The tables stay where they are, under
their old names (the new owners' Meta.db_table); alerts.0001 and digest.0002 take them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0004_digest_mail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ArticleAlert"),
                migrations.DeleteModel(name="Delivery"),
                migrations.DeleteModel(name="DigestMail"),
            ],
            database_operations=[],
        ),
    ]
