"""The relevance benchmark: a test collection, a throwaway archive, the product's ranking.

``collections`` reads a collection (SMART or TREC), ``archive`` loads it into a
temporary database and index through the real ingest pipeline, ``measure`` asks the
judged questions through the query service and scores the answers with ir-measures.
``manage.py evaluate_relevance`` is the edge that prints the figures.
"""
