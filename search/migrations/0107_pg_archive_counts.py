"""Counts of the whole archive (what browsing shows: facet values, days, the total) kept
by statement triggers on the PostgreSQL backend's facet rows, so that browsing reads a
few thousand rows instead of scanning every facet row six times
(``search.backends.pg.archive_counts``). On SQLite this does nothing.

``search_pgcount`` holds deltas: each statement that inserts, updates or deletes facet
rows adds one row per key it changes (+ for rows in, - for rows out) and, in the same
statement, folds the rows already there for those keys into its own (taken ``FOR UPDATE
SKIP LOCKED``: no writer waits for another, two writers never fold the same row, and a
key keeps at most a few rows, one per writer in flight). A reader sums each key. Keys:
'outlet', 'year', 'month' (year * 12 + month - 1), 'language', 'author', 'tag' (one per
id in the row's arrays, as the facets unnest them) and 'day' (``date.toordinal()``, ''
for undated rows: every row has one, so the days add up to the total).
"""

from django.db import migrations

from search.migrations._postgres import on_postgres

FORWARD = r"""
CREATE TABLE IF NOT EXISTS search_pgcount (
    facet text NOT NULL,
    value text NOT NULL,
    n bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS search_pgcount_key ON search_pgcount (facet, value);

-- The keys one facet row counts under.
CREATE OR REPLACE FUNCTION search_pg_count_keys(d search_pgfacet)
RETURNS TABLE (facet text, value text) LANGUAGE sql IMMUTABLE AS $$
    SELECT 'outlet', d.outlet_id::text WHERE d.outlet_id IS NOT NULL
    UNION ALL SELECT 'year', extract(year FROM d.published)::int::text
        WHERE d.published IS NOT NULL
    UNION ALL SELECT 'month', (extract(year FROM d.published)::int * 12
        + extract(month FROM d.published)::int - 1)::text WHERE d.published IS NOT NULL
    UNION ALL SELECT 'language', d.language WHERE d.language <> ''
    UNION ALL SELECT 'author', unnest(d.author_ids)::text
    UNION ALL SELECT 'tag', unnest(d.tag_ids)::text
    UNION ALL SELECT 'day', coalesce((d.published - date '0001-01-01' + 1)::text, '')
$$;

-- This statement's deltas (from its transition tables) added, folding into them the rows
-- of those keys that no other writer holds. Static statements: their plans are kept.
CREATE OR REPLACE FUNCTION search_pg_count_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    facets text[];
    vals text[];
    ns bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(facet), array_agg(value), array_agg(n) INTO facets, vals, ns
        FROM (SELECT k.facet, k.value, count(*) AS n FROM new_rows r
              CROSS JOIN LATERAL search_pg_count_keys(r) k GROUP BY 1, 2) s;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(facet), array_agg(value), array_agg(n) INTO facets, vals, ns
        FROM (SELECT k.facet, k.value, -count(*) AS n FROM old_rows r
              CROSS JOIN LATERAL search_pg_count_keys(r) k GROUP BY 1, 2) s;
    ELSE
        SELECT array_agg(facet), array_agg(value), array_agg(n) INTO facets, vals, ns
        FROM (SELECT facet, value, sum(n) AS n FROM (
                SELECT k.facet, k.value, 1 AS n FROM new_rows r
                CROSS JOIN LATERAL search_pg_count_keys(r) k
                UNION ALL SELECT k.facet, k.value, -1 FROM old_rows r
                CROSS JOIN LATERAL search_pg_count_keys(r) k) u
              GROUP BY 1, 2 HAVING sum(n) <> 0) s;
    END IF;
    IF facets IS NULL THEN
        RETURN NULL;
    END IF;
    WITH delta AS MATERIALIZED (SELECT * FROM unnest(facets, vals, ns) AS d(facet, value, n)),
    gone AS (
        DELETE FROM search_pgcount c WHERE c.ctid = ANY(ARRAY(
            SELECT c2.ctid FROM search_pgcount c2
            WHERE (c2.facet, c2.value) IN (SELECT facet, value FROM delta)
            FOR UPDATE OF c2 SKIP LOCKED))
        RETURNING c.facet, c.value, c.n)
    INSERT INTO search_pgcount (facet, value, n)
    SELECT s.facet, s.value, sum(s.n) FROM (
        SELECT delta.facet, delta.value, delta.n FROM delta
        UNION ALL SELECT gone.facet, gone.value, gone.n FROM gone) s
    GROUP BY 1, 2 HAVING sum(s.n) <> 0;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_pg_count_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE search_pgcount;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS search_pgfacet_count_insert ON search_pgfacet;
CREATE TRIGGER search_pgfacet_count_insert AFTER INSERT ON search_pgfacet
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_pg_count_rows();
DROP TRIGGER IF EXISTS search_pgfacet_count_update ON search_pgfacet;
CREATE TRIGGER search_pgfacet_count_update AFTER UPDATE ON search_pgfacet
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_pg_count_rows();
DROP TRIGGER IF EXISTS search_pgfacet_count_delete ON search_pgfacet;
CREATE TRIGGER search_pgfacet_count_delete AFTER DELETE ON search_pgfacet
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_pg_count_rows();
DROP TRIGGER IF EXISTS search_pgfacet_count_truncate ON search_pgfacet;
CREATE TRIGGER search_pgfacet_count_truncate AFTER TRUNCATE ON search_pgfacet
    FOR EACH STATEMENT EXECUTE FUNCTION search_pg_count_truncated();

-- The rows already there, counted once (the table locked meanwhile: no write is missed
-- or counted twice).
LOCK TABLE search_pgfacet IN SHARE MODE;
TRUNCATE search_pgcount;
INSERT INTO search_pgcount (facet, value, n)
SELECT k.facet, k.value, count(*) FROM search_pgfacet d
CROSS JOIN LATERAL search_pg_count_keys(d) k GROUP BY 1, 2;
ANALYZE search_pgcount;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS search_pgfacet_count_insert ON search_pgfacet;
DROP TRIGGER IF EXISTS search_pgfacet_count_update ON search_pgfacet;
DROP TRIGGER IF EXISTS search_pgfacet_count_delete ON search_pgfacet;
DROP TRIGGER IF EXISTS search_pgfacet_count_truncate ON search_pgfacet;
DROP FUNCTION IF EXISTS search_pg_count_rows(), search_pg_count_truncated(),
    search_pg_count_keys(search_pgfacet);
DROP TABLE IF EXISTS search_pgcount;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0106_pg_newest_index_nulls_last"),
    ]

    operations = [
        migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD)),
    ]
