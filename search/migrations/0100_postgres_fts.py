"""PostgreSQL full-text search: configurations, document and facet tables kept by triggers.

Runs on PostgreSQL only; on SQLite it does nothing (the Whoosh backend needs none of it).
The document and facet tables have no foreign key to ``archive_article`` on purpose:
Django's test flush truncates ``archive_article`` without CASCADE, so deletes and
truncates are followed by triggers instead.
"""

from django.db import migrations

from search.migrations._postgres import on_postgres

FORWARD = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- unaccent() is only STABLE; index expressions need an IMMUTABLE wrapper.
CREATE OR REPLACE FUNCTION archive_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- The article text: accents folded, English Snowball stemmer (its stop list keeps "us").
-- Hyphenated compounds are not indexed whole, only their parts, so "Jong-un",
-- "Jong Un" and "Jong-Un" give the same positions and meet as phrases.
DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_en;
CREATE TEXT SEARCH CONFIGURATION archive_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION archive_en
    ALTER MAPPING FOR asciiword, word, hword_part, hword_asciipart
    WITH public.unaccent, english_stem;
ALTER TEXT SEARCH CONFIGURATION archive_en
    DROP MAPPING FOR asciihword, hword, numhword;

-- Names (outlets, authors, tags) and the spelling dictionary: folded, not stemmed.
DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_names;
CREATE TEXT SEARCH CONFIGURATION archive_names (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION archive_names
    ALTER MAPPING FOR asciiword, word, hword_part, hword_asciipart, numword, hword_numpart
    WITH public.unaccent, simple;
ALTER TEXT SEARCH CONFIGURATION archive_names
    DROP MAPPING FOR asciihword, hword, numhword;

CREATE TABLE IF NOT EXISTS search_pgdocument (
    article_id bigint PRIMARY KEY,
    doc tsvector NOT NULL,                         -- title A, summary B, body C; stemmed
    exact tsvector NOT NULL DEFAULT ''::tsvector,  -- the same words folded, unstemmed
    article_updated_at timestamptz,
    indexed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS search_pgdocument_doc ON search_pgdocument USING gin (doc);
CREATE INDEX IF NOT EXISTS search_pgdocument_exact ON search_pgdocument USING gin (exact);

-- What filters and facets read, one narrow row per article (no text index on it, so
-- tagging an article is a cheap in-place update, never a rewrite of its vectors).
CREATE TABLE IF NOT EXISTS search_pgfacet (
    article_id bigint PRIMARY KEY,
    published date,
    outlet_id bigint,
    language varchar(16) NOT NULL DEFAULT '',
    tag_ids bigint[] NOT NULL DEFAULT '{}',
    author_ids bigint[] NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS search_pgfacet_newest ON search_pgfacet (published DESC, article_id DESC);

-- Stems with their document frequency (more-like-this weights) and surface words
-- (did-you-mean, by trigram similarity); recounted by a rebuild, topped up by index().
CREATE TABLE IF NOT EXISTS search_pgterm (lexeme text PRIMARY KEY, ndoc integer NOT NULL);
CREATE TABLE IF NOT EXISTS search_pgword (word text PRIMARY KEY, ndoc integer NOT NULL);
CREATE INDEX IF NOT EXISTS search_pgword_trgm ON search_pgword USING gin (word gin_trgm_ops);

-- Autocomplete of titles: a trigram index answers LIKE '%words%'.
CREATE INDEX IF NOT EXISTS search_article_title_trgm
    ON archive_article USING gin (archive_unaccent(lower(title)) gin_trgm_ops);

-- The triggers below work only while this backend is in use: with Whoosh as the engine
-- on PostgreSQL, computing vectors on every insert would slow each ingest for nothing
-- (Reuters-21578: 176 instead of 1,539 articles/s). The backend's first use rebuilds
-- every vector and sets ``live``; deletes are always followed.
CREATE TABLE IF NOT EXISTS search_pgstate (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    live boolean NOT NULL DEFAULT false
);
INSERT INTO search_pgstate (id, live) VALUES (true, false) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION search_pg_live() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT coalesce((SELECT live FROM search_pgstate), false) $$;

-- Recompute the documents of these articles (NULL: all of them). Tags, authors and
-- outlets are not copied here: field queries read their own (small) tables, so a
-- rename or a new tag needs no document rewrite.
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

-- Recompute the documents of these articles (NULL: all of them, in batches).
-- "a.id = ANY(ids)" alone, never "ids IS NULL OR ...": the OR would make the planner
-- scan the whole table for the one article a trigger refreshes.
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
        article_updated_at = EXCLUDED.article_updated_at, indexed_at = EXCLUDED.indexed_at;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM search_pg_refresh_facets(ids);
    RETURN n;
END $$;

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
            language = NEW.language
        WHERE article_id = NEW.id;
        RETURN NULL;
    END IF;
    PERFORM search_pg_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_pg_article_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE search_pgdocument, search_pgfacet;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_pg_link_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT search_pg_live() THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM search_pg_refresh_links(OLD.article_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM search_pg_refresh_links(NEW.article_id);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_pg_refresh_links(aid bigint) RETURNS void
LANGUAGE sql AS $$
    UPDATE search_pgfacet SET
        tag_ids = ARRAY(SELECT tag_id FROM archive_article_tags WHERE article_id = aid ORDER BY 1),
        author_ids = ARRAY(SELECT author_id FROM archive_articleauthor WHERE article_id = aid
                           ORDER BY position, id)
    WHERE article_id = aid
$$;

DROP TRIGGER IF EXISTS search_pg_article ON archive_article;
CREATE TRIGGER search_pg_article AFTER INSERT OR UPDATE OR DELETE ON archive_article
    FOR EACH ROW EXECUTE FUNCTION search_pg_article_changed();
DROP TRIGGER IF EXISTS search_pg_article_truncate ON archive_article;
CREATE TRIGGER search_pg_article_truncate AFTER TRUNCATE ON archive_article
    FOR EACH STATEMENT EXECUTE FUNCTION search_pg_article_truncated();
DROP TRIGGER IF EXISTS search_pg_tag_link ON archive_article_tags;
CREATE TRIGGER search_pg_tag_link AFTER INSERT OR UPDATE OR DELETE ON archive_article_tags
    FOR EACH ROW EXECUTE FUNCTION search_pg_link_changed();
DROP TRIGGER IF EXISTS search_pg_author_link ON archive_articleauthor;
CREATE TRIGGER search_pg_author_link AFTER INSERT OR UPDATE OR DELETE ON archive_articleauthor
    FOR EACH ROW EXECUTE FUNCTION search_pg_link_changed();

"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS search_pg_article ON archive_article;
DROP TRIGGER IF EXISTS search_pg_article_truncate ON archive_article;
DROP TRIGGER IF EXISTS search_pg_tag_link ON archive_article_tags;
DROP TRIGGER IF EXISTS search_pg_author_link ON archive_articleauthor;
DROP FUNCTION IF EXISTS search_pg_article_changed(), search_pg_article_truncated(),
    search_pg_link_changed(), search_pg_refresh_links(bigint), search_pg_refresh(bigint[]),
    search_pg_refresh_facets(bigint[]), search_pg_live();
DROP INDEX IF EXISTS search_article_title_trgm;
DROP TABLE IF EXISTS search_pgdocument, search_pgfacet, search_pgterm, search_pgword,
    search_pgstate;
DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_en;
DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_names;
DROP FUNCTION IF EXISTS archive_unaccent(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD)),
    ]
