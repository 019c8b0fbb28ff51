"""Editors and moderators keep the pronunciation dictionary ("Aussprache"): it is editorial
work, like the articles whose audio it shapes."""

from django.db import migrations

GROUPS = ["Editors", "Moderators"]
ACTIONS = {"add": "Can add", "change": "Can change", "delete": "Can delete", "view": "Can view"}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Django creates permissions only after all migrations; create these now (the later run
    # finds them by content type and codename and leaves them be).
    content_type, _ = ContentType.objects.get_or_create(app_label="audio", model="pronunciation")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_pronunciation",
            defaults={"name": f"{label} Aussprache"},
        )[0]
        for action, label in ACTIONS.items()
    ]
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="audio",
        codename__in=[f"{action}_pronunciation" for action in ACTIONS],
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("audio", "0002_pronunciation"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
