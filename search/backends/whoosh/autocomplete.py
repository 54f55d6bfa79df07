"""Autocomplete on a Whoosh index: the best articles whose title has the words typed."""

import numpy as np
from whoosh import query as wq

from search.analysis import analyze, fold
from search.backends.whoosh.matching import Reading, match_mask, score_array, top_scored
from search.budget import Budget


def run_title_suggestions(backend, prefix: str, *, limit: int) -> list[int]:
    """Ids of the best articles whose title has every typed word, the last one as a
    prefix."""
    words = analyze(prefix, stem=False)
    if not words:
        return []
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    last = fold(words[-1])
    reader = searcher.reader()
    expansions = [t for t, _ in zip(reader.expand_prefix("title", last), range(50), strict=False)]
    title_words = [wq.Or([wq.Term("title", t) for t in expansions] or [wq.NullQuery])]
    title_words += [wq.Term("title", w) for w in words[:-1]]
    query = wq.And(title_words)
    reading = Reading(Budget.from_settings())
    scores = score_array(searcher, query, data, reading)
    best = top_scored(scores, np.flatnonzero(match_mask(searcher, query, data, reading)), limit)
    return [int(data.columns.ids[docnum]) for docnum, _ in best]
