"""A log of the transactions that changed the PostgreSQL backend's facet rows or the
tags: one row each, so that a process may keep the counts of the whole archive until a
write commits (``search.backends.pg.browsing``). Insert-only: writers take no lock in
common. On SQLite this does nothing.
"""

from django.db import migrations

from search.migrations._postgres import on_postgres

FORWARD = r"""
CREATE TABLE IF NOT EXISTS search_pgchange (
    xid xid8 NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS search_pgchange_xid ON search_pgchange (xid);

-- One row a transaction, however many statements it runs.
CREATE OR REPLACE FUNCTION search_pg_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('search.pg_changed', true) IS DISTINCT FROM pg_current_xact_id()::text
    THEN
        INSERT INTO search_pgchange (xid) VALUES (pg_current_xact_id());
        PERFORM set_config('search.pg_changed', pg_current_xact_id()::text, true);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS search_pgfacet_changed ON search_pgfacet;
CREATE TRIGGER search_pgfacet_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON search_pgfacet FOR EACH STATEMENT EXECUTE FUNCTION search_pg_changed();
DROP TRIGGER IF EXISTS search_pg_tag_changed ON archive_tag;
CREATE TRIGGER search_pg_tag_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON archive_tag FOR EACH STATEMENT EXECUTE FUNCTION search_pg_changed();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS search_pgfacet_changed ON search_pgfacet;
DROP TRIGGER IF EXISTS search_pg_tag_changed ON archive_tag;
DROP FUNCTION IF EXISTS search_pg_changed();
DROP TABLE IF EXISTS search_pgchange;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0059_webhook_address"),
        ("search", "0102_copy_groups"),
    ]

    operations = [
        migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD)),
    ]
