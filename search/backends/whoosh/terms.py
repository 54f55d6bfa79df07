"""A result set's words against the index's, for significant terms (``search.significance``).

The index keeps no term vectors and does not store bodies (``schema``), so the words of
the matching documents are read from their texts (``BackendQuery.texts``: the database),
analysed as the index analysed them; for a big result, an even sample of them. The
index's document frequency of a word is the larger of its title's and its body's
(``WhooshBackend.word_frequency``): a word counted in a document's title or body is
counted against the same fields.
"""

import numpy as np

from search.analysis import TOKEN_RE, normalize_word
from search.backends.base import BackendQuery, TermCounts
from search.backends.whoosh.searching import match_request


def even_sample(ids: np.ndarray, size: int) -> list[int]:
    """At most ``size`` ids spread evenly over them in id order: the same sample on
    every run and on every backend reading the same ids."""
    ordered = np.sort(ids)
    if len(ordered) <= size:
        return [int(i) for i in ordered]
    step = -(-len(ordered) // size)
    return [int(i) for i in ordered[::step]]


def _word_set(text: str) -> set[str]:
    """The distinct index words (exact forms) of ``text``: ``analyze`` without building
    the list (the indexer's fast path, ``term_positions``, reads tokens the same way)."""
    found = {normalize_word(raw[1] or raw[2])[0] for raw in TOKEN_RE.findall(text) if not raw[0]}
    found.discard("")
    return found


def run_term_counts(backend, query: BackendQuery, *, sample: int, least: int = 1) -> TermCounts:
    found = match_request(backend, query)
    data, frequency = found.data, backend.word_frequency(found.searcher)
    ids = data.columns.ids[found.full]
    chosen = even_sample(ids, sample)
    texts = query.texts(chosen)
    seen: dict[str, int] = {}
    for title, body in texts.values():
        for word in _word_set(f"{title}\n{body}"):
            seen[word] = seen.get(word, 0) + 1
    words = {}
    for word, count in seen.items():
        if count < least:
            continue
        words[word] = (count, max(frequency(word), count))
    return TermCounts(len(ids), len(texts), int(data.live.sum()), words)
