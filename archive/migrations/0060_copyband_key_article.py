"""The band table keyed by (key, article), without a surrogate id; WITHOUT ROWID on SQLite.

Django cannot turn a table's primary key into a composite one, so the table is made
anew and its rows are worked out again from the stored signatures (the band keys are a
function of a signature's values).
"""

import django.db.models.deletion
from django.db import migrations, models

_ROWS_PER_INSERT = 400
_ARTICLES_PER_CHUNK = 2000


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
    """Work the band rows out again from the stored signatures, a few thousand articles
    at a time (a whole archive's rows at once would not fit in memory at scale). Serves
    both directions: the old table's id fills itself."""
    from archive.ingest.dedupe import Signature

    signatures = (
        apps.get_model("archive", "CopySignature")
        .objects.exclude(values=b"")
        .order_by("article_id")
        .values_list("article_id", "values", "shingles")
    )
    with schema_editor.connection.cursor() as cursor:
        chunk = []
        for signature in signatures.iterator(chunk_size=_ARTICLES_PER_CHUNK):
            chunk.append(signature)
            if len(chunk) == _ARTICLES_PER_CHUNK:
                _insert(cursor, chunk, Signature)
                chunk = []
        _insert(cursor, chunk, Signature)


def _insert(cursor, signatures, signature_class) -> None:
    rows = sorted(
        (key, pk)
        for pk, values, shingles in signatures
        for key in signature_class(bytes(values), shingles).keys
    )
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
        # Backwards, the last step: the old table (made again by DeleteModel's reverse)
        # gets its rows back.
        migrations.RunPython(migrations.RunPython.noop, _refill),
        migrations.DeleteModel(name="CopyBand"),
        migrations.CreateModel(
            name="CopyBand",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key",
                        "article",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
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
