"""Recomputing a document or facet row that comes out the same no longer rewrites it.

A rebuild recomputes every article's row (``search_pg_refresh``) and wrote each one again
even when nothing had changed: every rebuild left a dead copy of every row, so without a
``VACUUM FULL`` the tables only grow (autovacuum lets the space be reused, it does not give
it back). Measured at 10x Reuters (208,410 articles) after the load, one rebuild and one
recomputation by SQL: ``search_pgdocument`` 716 MB and ``search_pgfacet`` 69 MB, against
241 MB and 23 MB compacted, and every search's scans read the larger tables. Now the
update happens only where a value differs (``ON CONFLICT ... DO UPDATE ... WHERE``), and
the facet counts' triggers see only the rows that changed. A row that is rewritten gets
its ``indexed_at`` as before; one left alone keeps the time it was last computed.
``search_pg_refresh`` returns the document rows it wrote (``maintenance.refresh`` counts
the documents of the articles asked for, written or not).
On SQLite this does nothing.
"""

from django.db import migrations

from search.migrations._postgres import on_postgres

_DOCUMENTS = r"""
CREATE OR REPLACE FUNCTION search_pg_refresh(ids bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE n integer := 0;
DECLARE batch bigint[];
BEGIN
    IF ids IS NULL THEN
        FOR batch IN SELECT array_agg(id) FROM (
                SELECT id, (row_number() OVER (ORDER BY id) - 1) / 5000 AS chunk
                FROM archive_article) s GROUP BY chunk LOOP
            n := n + search_pg_refresh(batch);
        END LOOP;
        RETURN n;
    END IF;
    INSERT INTO search_pgdocument AS d (article_id, doc, exact, article_updated_at, indexed_at)
    SELECT a.id,
        setweight(to_tsvector('archive_en', a.title), 'A')
        || setweight(to_tsvector('archive_en', a.summary), 'B')
        || setweight(to_tsvector('archive_en', a.body), 'C'),
        to_tsvector('archive_names', concat_ws(' ', a.title, a.summary, a.body)),
        a.updated_at, now()
    FROM archive_article a
    WHERE a.id = ANY(ids)
    ON CONFLICT (article_id) DO UPDATE SET
        doc = EXCLUDED.doc, exact = EXCLUDED.exact,
        article_updated_at = EXCLUDED.article_updated_at, indexed_at = EXCLUDED.indexed_at
    {only_changed_documents};
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM search_pg_refresh_facets(ids);
    RETURN n;
END $$;

CREATE OR REPLACE FUNCTION search_pg_refresh_facets(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_pgfacet AS f (article_id, published, outlet_id, language, tag_ids,
        author_ids, copy_group, story_id)
    SELECT a.id, a.published, a.outlet_id, a.language,
        ARRAY(SELECT tag_id FROM archive_article_tags WHERE article_id = a.id ORDER BY 1),
        ARRAY(SELECT author_id FROM archive_articleauthor WHERE article_id = a.id
              ORDER BY position, id),
        coalesce(a.duplicate_of_id, a.id), a.story_id
    FROM archive_article a
    WHERE a.id = ANY(ids)
    ON CONFLICT (article_id) DO UPDATE SET
        published = EXCLUDED.published, outlet_id = EXCLUDED.outlet_id,
        language = EXCLUDED.language, tag_ids = EXCLUDED.tag_ids,
        author_ids = EXCLUDED.author_ids, copy_group = EXCLUDED.copy_group,
        story_id = EXCLUDED.story_id
    {only_changed_facets}
$$;
"""

FORWARD = _DOCUMENTS.format(
    only_changed_documents=(
        "WHERE (d.doc, d.exact, d.article_updated_at) IS DISTINCT FROM"
        " (EXCLUDED.doc, EXCLUDED.exact, EXCLUDED.article_updated_at)"
    ),
    only_changed_facets=(
        "WHERE (f.published, f.outlet_id, f.language, f.tag_ids, f.author_ids, f.copy_group,"
        " f.story_id) IS DISTINCT FROM (EXCLUDED.published, EXCLUDED.outlet_id,"
        " EXCLUDED.language, EXCLUDED.tag_ids, EXCLUDED.author_ids, EXCLUDED.copy_group,"
        " EXCLUDED.story_id)"
    ),
)
BACKWARD = _DOCUMENTS.format(only_changed_documents="", only_changed_facets="")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0107_pg_archive_counts"),
    ]

    operations = [migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD))]
