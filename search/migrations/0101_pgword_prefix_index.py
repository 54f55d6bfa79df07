"""An index for the PostgreSQL backend's prefix lookups (``word LIKE 'ab%'``).

The primary key serves LIKE only when the database collation is C; with any other
(``en_US.UTF-8``, the postgres image's default) each ``prefix*`` read the whole word
table. ``text_pattern_ops`` compares by bytes, so it serves LIKE under every collation.
On SQLite this does nothing.
"""

from django.db import migrations

from search.migrations._postgres import on_postgres


class Migration(migrations.Migration):
    dependencies = [("search", "0100_postgres_fts")]

    operations = [
        migrations.RunPython(
            on_postgres(
                "CREATE INDEX IF NOT EXISTS search_pgword_prefix"
                " ON search_pgword (word text_pattern_ops)"
            ),
            on_postgres("DROP INDEX IF EXISTS search_pgword_prefix"),
        ),
    ]
