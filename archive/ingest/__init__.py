"""The ingest pipeline: readers turn files into drafts, pure steps clean and
enrich them, and ``store.article_store`` writes each draft in its own transaction."""
