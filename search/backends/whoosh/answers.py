"""The answers of the searches asked most, kept per process for one searcher.

A search's answer from the engine (ids, scores, counts, days, highlights) depends on the
request, its filters as ids, the tags' spellings and the index alone, and the same
searches come back request after request (a front page's links, a popular word). The
backend starts a new searcher whenever this node's index changed (checked on every
search), and a new searcher starts with no kept answers, like ``PostingsCache``: an
answer is never older than the index that is searched. An answer the budget cut
(work left out, or out of time) is not kept: given time, the next search finds more.
``SEARCH_ANSWERS_KEPT`` sets how many are kept (0: none).
"""

import datetime as dt

from search.backends.base import BackendQuery


def answer_key(query: BackendQuery) -> tuple:
    """What the answer depends on besides the index. Today's date too: a question's
    dates ("last week") are read against it."""
    filters = query.filters
    return (
        query.request,
        filters.outlets,
        filters.authors,
        frozenset(filters.tags.items()),
        filters.scope,
        filters.ids,
        frozenset(query.synonyms.items()),
        dt.date.today(),
    )
