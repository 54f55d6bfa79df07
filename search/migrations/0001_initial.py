"""The write path's tables: the outbox of pending index changes and index check results."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("article_id", models.BigIntegerField(db_index=True)),
                (
                    "action",
                    models.CharField(
                        choices=[("upsert", "Add or replace"), ("delete", "Remove")],
                        default="upsert",
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.CreateModel(
            name="IndexCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "checked_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                (
                    "articles",
                    models.PositiveIntegerField(default=0, help_text="Articles in the database."),
                ),
                (
                    "documents",
                    models.PositiveIntegerField(default=0, help_text="Documents in the index."),
                ),
                (
                    "missing",
                    models.JSONField(default=list, help_text="Article ids absent from the index."),
                ),
                (
                    "stale",
                    models.JSONField(
                        default=list, help_text="Article ids indexed at an older version."
                    ),
                ),
                (
                    "orphans",
                    models.JSONField(default=list, help_text="Indexed ids with no article."),
                ),
                (
                    "pending",
                    models.PositiveIntegerField(
                        default=0, help_text="Changes waiting in the outbox."
                    ),
                ),
                (
                    "fixed",
                    models.BooleanField(default=False, help_text="The differences were repaired."),
                ),
                ("took_ms", models.FloatField(default=0.0)),
            ],
            options={"ordering": ["-checked_at", "-id"], "get_latest_by": "checked_at"},
        ),
    ]
