"""Editors curate stories (split, merge, edit); readers see them."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Editors": ("view", "add", "change", "delete"),
    "Readers": ("view",),
}
MODELS = ("story",)


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("archive"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        codenames = [f"{action}_{model}" for action in actions for model in MODELS]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("archive", "0056_copy_signatures")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
