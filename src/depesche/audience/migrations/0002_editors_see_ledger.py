"""Editors and moderators may see (never change) the consent ledger and the subscribers."""

from django.db import migrations

GROUPS = ["Editors", "Moderators"]
PERMISSIONS = [("consentrecord", "view_consentrecord"), ("subscriber", "view_subscriber")]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Django creates permissions only after all migrations; create these two now (the later
    # run finds them by content type and codename and leaves them be).
    permissions = []
    for model, codename in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="audience", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can view {model}"},
        )
        permissions.append(permission)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [codename for _, codename in PERMISSIONS]
    permissions = Permission.objects.filter(
        content_type__app_label="audience", codename__in=codenames
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("audience", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
