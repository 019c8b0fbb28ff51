"""Readers' data only for those allowed (issue 15).

Two permissions of their own, given to no group: "Leserdaten exportieren" (addresses, networks
and browsers in the admin lists, and the ledger's CSV/XLSX export) and "Leserdaten löschen"
(the admin's erase action). And the Editors and Moderators groups lose the "view" permissions
that 0002 gave them, on installs that ran 0002 long ago as well: an administrator who wants a
group to see readers grants it in Settings → Groups.
"""

from django.db import migrations

GROUPS = ["Editors", "Moderators"]
VIEW_CODENAMES = ["view_consentrecord", "view_subscriber"]


def _view_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(content_type__app_label="audience", codename__in=VIEW_CODENAMES)
    )


def revoke_views(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = _view_permissions(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


def grant_views(apps, schema_editor):
    """Going back restores what 0002 granted (the permissions exist by then: 0002 made them)."""
    Group = apps.get_model("auth", "Group")
    permissions = _view_permissions(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("audience", "0003_mail_once"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="subscriber",
            options={
                "permissions": [
                    ("export_reader_data", "Leserdaten exportieren"),
                    ("erase_reader", "Leserdaten löschen"),
                ],
                "verbose_name": "Abonnent",
                "verbose_name_plural": "Abonnenten",
            },
        ),
        migrations.RunPython(revoke_views, grant_views),
    ]
