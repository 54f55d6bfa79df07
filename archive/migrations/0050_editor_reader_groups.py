"""The "Editors" and "Readers" groups of the admin, with their permissions.

Permissions are normally created by post_migrate, after every migration has run;
this migration creates the archive's own first so it can hand them out.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Editors": ("view", "add", "change", "delete"),
    "Readers": ("view",),
}
MODELS = ("article", "articleauthor", "tag", "outlet", "author", "importbatch")


def create_groups(apps, schema_editor):
    create_permissions(global_apps.get_app_config("archive"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for action in actions for model in MODELS]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
        )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
