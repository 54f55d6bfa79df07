"""Rebuild, versions and stats of the PostgreSQL index (the document table)."""

from archive.statistics import tables_analyze

# What a rebuild fills: the documents, the facet rows and the word counts.
TABLES = ("search_pgdocument", "search_pgfacet", "search_pgterm", "search_pgword", "search_pgcount")

# Words of titles and bodies, unstemmed and folded: the did-you-mean dictionary.
_WORDS_OF = "SELECT exact FROM search_pgdocument"


def refresh(cursor, ids: list[int] | None) -> int:
    """Recompute the documents of ``ids`` (None: every article); returns how many there
    are (those that came out the same are not written again: migration 0108)."""
    cursor.execute("SELECT search_pg_refresh(%s::bigint[])", [ids])
    if ids is None:
        cursor.execute("SELECT count(*) FROM search_pgdocument")
    else:
        cursor.execute(
            "SELECT count(*) FROM search_pgdocument WHERE article_id = ANY(%s::bigint[])", [ids]
        )
    return cursor.fetchone()[0]


def recount_terms(cursor) -> None:
    """Document frequencies of stems and words, counted afresh."""
    cursor.execute("DELETE FROM search_pgterm")
    cursor.execute(
        "INSERT INTO search_pgterm (lexeme, ndoc)"
        " SELECT word, ndoc FROM ts_stat('SELECT doc FROM search_pgdocument')"
    )
    cursor.execute("DELETE FROM search_pgword")
    cursor.execute(
        "INSERT INTO search_pgword (word, ndoc) SELECT word, ndoc FROM ts_stat(%s)"
        " WHERE word ~ '^[[:alpha:]]{3,}$'",
        [_WORDS_OF],
    )


def add_terms(cursor, ids: list[int]) -> None:
    """Count the words and stems of newly indexed articles (a rebuild recounts exactly).

    Rows are upserted in word order, so two writers on other machines take their
    locks in the same order and do not deadlock."""
    if not ids:
        return
    id_list = ",".join(str(int(i)) for i in ids)
    cursor.execute(
        "INSERT INTO search_pgterm AS g (lexeme, ndoc) SELECT word, ndoc FROM ts_stat("
        f"'SELECT doc FROM search_pgdocument WHERE article_id IN ({id_list})') ORDER BY 1"
        " ON CONFLICT (lexeme) DO UPDATE SET ndoc = g.ndoc + EXCLUDED.ndoc"
    )
    cursor.execute(
        "INSERT INTO search_pgword AS g (word, ndoc) SELECT word, ndoc FROM ts_stat(%s)"
        " WHERE word ~ '^[[:alpha:]]{3,}$' ORDER BY 1"
        " ON CONFLICT (word) DO UPDATE SET ndoc = g.ndoc + EXCLUDED.ndoc",
        [f"{_WORDS_OF} WHERE article_id IN ({id_list})"],
    )


def go_live(cursor) -> bool:
    """Turn the triggers on, first catching up with one rebuild; False if already on."""
    cursor.execute("SELECT live FROM search_pgstate FOR UPDATE")
    row = cursor.fetchone()
    if row and row[0]:
        return False
    cursor.execute("SELECT id FROM archive_article")
    rebuild(cursor, [article_id for (article_id,) in cursor.fetchall()])
    cursor.execute(
        "INSERT INTO search_pgstate (id, live) VALUES (true, true)"
        " ON CONFLICT (id) DO UPDATE SET live = true"
    )
    return True


def rebuild(cursor, ids: list[int]) -> int:
    """The documents of ``ids`` recomputed, every other one dropped."""
    cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS search_pg_rebuild (id bigint)")
    cursor.execute("TRUNCATE search_pg_rebuild")
    cursor.execute("INSERT INTO search_pg_rebuild SELECT unnest(%s::bigint[])", [ids])
    for table in ("search_pgdocument", "search_pgfacet"):
        cursor.execute(
            f"DELETE FROM {table} d WHERE NOT EXISTS"
            " (SELECT 1 FROM search_pg_rebuild r WHERE r.id = d.article_id)"
        )
    count = refresh(cursor, ids)
    recount_terms(cursor)
    tables_analyze(TABLES)
    return count


# Documents computed from the article as last saved (a trigger keeps them so).
CURRENT_IDS = (
    "SELECT d.article_id FROM search_pgdocument d JOIN archive_article a ON a.id = d.article_id"
    " AND a.updated_at IS NOT DISTINCT FROM d.article_updated_at"
)


def stats(cursor) -> dict:
    cursor.execute(
        "SELECT count(*), max(indexed_at), pg_total_relation_size('search_pgdocument')"
        " + pg_total_relation_size('search_pgfacet'),"
        " (SELECT count(*) FROM search_pgword), (SELECT count(*) FROM search_pgterm)"
        " FROM search_pgdocument"
    )
    documents, last_change, size, words, stems = cursor.fetchone()
    return {
        "backend": "postgres",
        "documents": documents,
        "last_change": last_change,
        "size_bytes": size,
        "words": words,
        "stems": stems,
        "text_search_config": "archive_en",
    }
