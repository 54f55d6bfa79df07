"""More like this: an article's key words, then the articles that score best on them.

The key words are those Whoosh's ``key_terms_from_text`` picks (the Bo1 model of
divergence from randomness, over the body field), with the same weights; but each
word's collection frequency comes from a map built once per index segment instead
of a term-table lookup per word per segment, which at ten times the archive cost
more than the scoring. The hits are ranked by BM25 over the key words' postings.
"""

from collections.abc import Callable
from math import log

from search.analysis import term_positions
from search.backends.base import BackendHit, Texts
from search.backends.whoosh.matching import Reading
from search.backends.whoosh.maxscore import best_of_words
from search.budget import Budget

KEY_TERMS = 12  # an article's most distinctive words used to find similar ones


def key_terms(
    text: str, *, frequency: Callable[[str], float], documents: int, count: int = KEY_TERMS
) -> list[tuple[str, float]]:
    """The ``count`` most distinctive indexed words of ``text`` and their weights
    (normalised as Whoosh normalises them), best first, ties by word."""
    if not documents:
        return []
    scored = []
    for word, positions in term_positions(text, stem=False).items():
        in_collection = frequency(word)
        if in_collection:
            scored.append((_bo1(len(positions), in_collection / documents), word))
    if not scored:
        return []
    best = max(score for score, _word in scored)
    norm = _bo1_normalizer(best, documents) or 1.0
    scored.sort(key=lambda pair: (-pair[0] / norm, pair[1]))
    return [(word, score / norm) for score, word in scored[:count]]


def _bo1(in_text: float, share: float) -> float:
    return in_text * log((1.0 + share) / share, 2) + log(1.0 + share, 2)


def _bo1_normalizer(best: float, documents: int) -> float:
    if not best:
        return best
    share = best / documents
    return (best * log((1.0 + share) / share) + log(1.0 + share)) / log(2.0)


def run_more_like_this(
    backend, article_id: int, *, texts: Texts, limit: int, exclude
) -> list[BackendHit]:
    found = texts([article_id])
    if article_id not in found:
        return []
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    title, body = found[article_id]
    frequency = backend.body_frequency(searcher)
    documents = searcher.reader().doc_count_all()
    keys = key_terms(f"{title}\n{body}", frequency=frequency, documents=documents)
    if not keys:
        return []
    allowed = data.live.copy()
    allowed[data.docnums_for_ids({article_id, *exclude})] = False
    reading = Reading(Budget.from_settings(), backend.postings)
    best = best_of_words(
        searcher, data, "body", keys, allowed=allowed, limit=limit, reading=reading
    )
    return [BackendHit(int(data.columns.ids[docnum]), score) for docnum, score in best]
