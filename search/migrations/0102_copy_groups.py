"""Copy groups and stories in the PostgreSQL backend's facet rows, kept by its triggers.

``copy_group`` is the article's original (``duplicate_of_id``, or its own id) and
``story_id`` its story: what a search folds by (``SearchRequest.collapse``). The
article trigger's cheap path (the text unchanged) now copies both too, so linking a copy
or moving an article to another story refreshes its row in the same transaction.
On SQLite this does nothing.
"""

from django.db import migrations

from search.migrations._postgres import on_postgres

FORWARD = r"""
ALTER TABLE search_pgfacet ADD COLUMN IF NOT EXISTS copy_group bigint;
ALTER TABLE search_pgfacet ADD COLUMN IF NOT EXISTS story_id bigint;
UPDATE search_pgfacet f SET copy_group = coalesce(a.duplicate_of_id, a.id), story_id = a.story_id
    FROM archive_article a WHERE a.id = f.article_id;
-- The groups that have copies, read by every folded search: one entry per copy.
CREATE INDEX IF NOT EXISTS search_pgfacet_copies ON search_pgfacet (copy_group)
    WHERE copy_group <> article_id;

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
$$;

CREATE OR REPLACE FUNCTION search_pg_article_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_pgdocument WHERE article_id = OLD.id;
        DELETE FROM search_pgfacet WHERE article_id = OLD.id;
        RETURN NULL;
    END IF;
    IF NOT search_pg_live() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
            AND NEW.summary IS NOT DISTINCT FROM OLD.summary
            AND NEW.body IS NOT DISTINCT FROM OLD.body
            AND EXISTS (SELECT 1 FROM search_pgdocument WHERE article_id = NEW.id) THEN
        -- The text is unchanged: no need to parse the body again.
        UPDATE search_pgdocument SET article_updated_at = NEW.updated_at, indexed_at = now()
        WHERE article_id = NEW.id;
        UPDATE search_pgfacet SET published = NEW.published, outlet_id = NEW.outlet_id,
            language = NEW.language, copy_group = coalesce(NEW.duplicate_of_id, NEW.id),
            story_id = NEW.story_id
        WHERE article_id = NEW.id;
        RETURN NULL;
    END IF;
    PERFORM search_pg_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END $$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION search_pg_refresh_facets(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_pgfacet AS f (article_id, published, outlet_id, language, tag_ids,
        author_ids)
    SELECT a.id, a.published, a.outlet_id, a.language,
        ARRAY(SELECT tag_id FROM archive_article_tags WHERE article_id = a.id ORDER BY 1),
        ARRAY(SELECT author_id FROM archive_articleauthor WHERE article_id = a.id
              ORDER BY position, id)
    FROM archive_article a
    WHERE a.id = ANY(ids)
    ON CONFLICT (article_id) DO UPDATE SET
        published = EXCLUDED.published, outlet_id = EXCLUDED.outlet_id,
        language = EXCLUDED.language, tag_ids = EXCLUDED.tag_ids,
        author_ids = EXCLUDED.author_ids
$$;

CREATE OR REPLACE FUNCTION search_pg_article_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_pgdocument WHERE article_id = OLD.id;
        DELETE FROM search_pgfacet WHERE article_id = OLD.id;
        RETURN NULL;
    END IF;
    IF NOT search_pg_live() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
            AND NEW.summary IS NOT DISTINCT FROM OLD.summary
            AND NEW.body IS NOT DISTINCT FROM OLD.body
            AND EXISTS (SELECT 1 FROM search_pgdocument WHERE article_id = NEW.id) THEN
        UPDATE search_pgdocument SET article_updated_at = NEW.updated_at, indexed_at = now()
        WHERE article_id = NEW.id;
        UPDATE search_pgfacet SET published = NEW.published, outlet_id = NEW.outlet_id,
            language = NEW.language
        WHERE article_id = NEW.id;
        RETURN NULL;
    END IF;
    PERFORM search_pg_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

DROP INDEX IF EXISTS search_pgfacet_copies;
ALTER TABLE search_pgfacet DROP COLUMN IF EXISTS copy_group;
ALTER TABLE search_pgfacet DROP COLUMN IF EXISTS story_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0055_story"),
        ("search", "0101_pgword_prefix_index"),
    ]

    operations = [
        migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD)),
    ]
