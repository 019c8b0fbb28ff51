"""Editors and moderators may look at the desk ("Agenturmeldungen"): incoming agency copy is
their work. Feeds (with their push secrets) and section rules stay with administrators, who
grant them to a group in Settings → Groups."""

from django.db import migrations

GROUPS = ["Editors", "Moderators"]
CODENAME = "view_wirestory"


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Django creates permissions only after all migrations; create this one now (the later run
    # finds it by content type and codename and leaves it be).
    content_type, _ = ContentType.objects.get_or_create(app_label="wire", model="wirestory")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": "Can view Agenturmeldung"}
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="wire", codename=CODENAME)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("wire", "0003_wireimagesource"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
