"""The band table keyed by (key, article), without a surrogate id; WITHOUT ROWID on SQLite.

Django cannot turn a table's primary key into a composite one, so the table is made
anew and its rows are worked out again from the stored signatures (the band keys are a
function of a signature's values).
"""

import django.db.models.deletion
from django.db import migrations, models

_ROWS_PER_INSERT = 400


def _without_rowid(apps, schema_editor):
    """On SQLite, make the (empty) table again WITHOUT ROWID: its primary key's B-tree is
    the table, one B-tree per row fewer than a rowid table with that key's index."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    table = apps.get_model("archive", "CopyBand")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, sql FROM sqlite_master WHERE tbl_name = %s", [table])
        rows = cursor.fetchall()
        create = next(sql for kind, sql in rows if kind == "table")
        indexes = [sql for kind, sql in rows if kind == "index" and sql]
        cursor.execute(f'DROP TABLE "{table}"')
        cursor.execute(create + " WITHOUT ROWID")
        for sql in indexes:
            cursor.execute(sql)


def _refill(apps, schema_editor):
    from archive.ingest.dedupe import Signature

    signatures = apps.get_model("archive", "CopySignature").objects.exclude(values=b"")
    rows = sorted(
        (key, pk)
        for pk, values, shingles in signatures.values_list("article_id", "values", "shingles")
        for key in Signature(bytes(values), shingles).keys
    )
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            part = rows[start : start + _ROWS_PER_INSERT]
            cursor.execute(
                'INSERT INTO "archive_copyband" ("key", "article_id") VALUES '
                + ", ".join(["(%s, %s)"] * len(part)),
                [value for row in part for value in row],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0059_webhook_address"),
    ]

    operations = [
        migrations.DeleteModel(name="CopyBand"),
        migrations.CreateModel(
            name="CopyBand",
            fields=[
                ("pk", models.CompositePrimaryKey("key", "article", blank=True, editable=False, primary_key=True, serialize=False)),
                ("key", models.BigIntegerField()),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="archive.article",
                    ),
                ),
            ],
        ),
        migrations.RunPython(_without_rowid, migrations.RunPython.noop),
        migrations.RunPython(_refill, migrations.RunPython.noop),
    ]
