"""The change log of ``search/0103_pg_change_log`` also notes transactions that change
the document vectors, the outlets or the authors: a process now keeps the answer of any
search (``search.backends.pg.browsing``), and a query's words read the vectors while
``outlet:`` and ``author:`` read the names in those tables. On SQLite this does nothing.
"""

from django.db import migrations

from search.migrations._postgres import on_postgres

TABLES = ("search_pgdocument", "archive_outlet", "archive_author")

FORWARD = "".join(
    f"DROP TRIGGER IF EXISTS {table}_search_changed ON {table};"
    f" CREATE TRIGGER {table}_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
    f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION search_pg_changed();"
    for table in TABLES
)
BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_search_changed ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0104_embeddings"),
    ]

    operations = [
        migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD)),
    ]
