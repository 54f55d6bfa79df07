"""The band table's article column without its foreign key and its index.

An import writes 42 band rows an article; the foreign-key check and the index on the
article tripled what writing them cost (measured on all of Reuters-21578: 0.75 s of
SQLite's CPU for the primary key alone, 2.9 s with both). Rows are deleted by their
keys (``archive.ingest.copies.bands_delete``). SQLite cannot drop a column's foreign
key, so the table is made again, ``WITHOUT ROWID`` as before.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "archive_copyband"
_SQLITE_COLUMNS = '"key" bigint NOT NULL, "article_id" bigint NOT NULL{fk}'
_SQLITE_FK = ' REFERENCES "archive_article" ("id") DEFERRABLE INITIALLY DEFERRED'
_INDEX = "archive_copyband_article_id_1435c5bc"


def _sqlite_remake(cursor, *, checked: bool) -> None:
    columns = _SQLITE_COLUMNS.format(fk=_SQLITE_FK if checked else "")
    cursor.execute(
        f'CREATE TABLE "{TABLE}__new" ({columns}, PRIMARY KEY ("key", "article_id")) WITHOUT ROWID'
    )
    kept = ' WHERE "article_id" IN (SELECT "id" FROM "archive_article")' if checked else ""
    cursor.execute(
        f'INSERT INTO "{TABLE}__new" ("key", "article_id") SELECT "key", "article_id" '
        f'FROM "{TABLE}"{kept}'
    )
    cursor.execute(f'DROP TABLE "{TABLE}"')
    cursor.execute(f'ALTER TABLE "{TABLE}__new" RENAME TO "{TABLE}"')
    if checked:
        cursor.execute(f'CREATE INDEX "{_INDEX}" ON "{TABLE}" ("article_id")')


def _unchecked(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite_remake(cursor, checked=False)
            return
        constraints = connection.introspection.get_constraints(cursor, TABLE)
        for name, constraint in constraints.items():
            if constraint["columns"] != ["article_id"] or constraint["primary_key"]:
                continue
            if constraint["foreign_key"]:
                cursor.execute(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT "{name}"')
            elif constraint["index"]:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _checked(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite_remake(cursor, checked=True)
            return
        cursor.execute(
            f'DELETE FROM "{TABLE}" WHERE "article_id" NOT IN (SELECT "id" FROM "archive_article")'
        )
        cursor.execute(
            f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_article_id_fk" FOREIGN KEY '
            '("article_id") REFERENCES "archive_article" ("id") DEFERRABLE INITIALLY DEFERRED'
        )
        cursor.execute(f'CREATE INDEX "{_INDEX}" ON "{TABLE}" ("article_id")')


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0061_copy_band_queue"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="copyband",
                    name="article",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="archive.article",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_unchecked, _checked)],
        ),
    ]
