import numpy as np
import pytest

from search.backends.whoosh.postings_cache import PostingsCache


def postings(n: int):
    return np.arange(n, dtype=np.int64), np.ones(n, dtype=np.float32)


def test_least_recently_used_postings_leave_first():
    cache = PostingsCache(limit=10)
    cache.put(("body", "oil"), postings(4))
    cache.put(("body", "gold"), postings(4))
    assert cache.get(("body", "oil")) is not None  # oil is now the most recent
    cache.put(("body", "wheat"), postings(4))
    assert cache.get(("body", "gold")) is None
    assert cache.get(("body", "oil")) is not None
    assert cache.size == 8


def test_a_list_longer_than_the_cache_is_not_kept():
    cache = PostingsCache(limit=3)
    cache.put(("body", "the"), postings(4))
    assert cache.get(("body", "the")) is None


def test_kept_postings_cannot_be_changed_by_a_search():
    cache = PostingsCache()
    cache.put(("body", "oil"), postings(3))
    docs, _weights = cache.get(("body", "oil"))
    with pytest.raises(ValueError):
        docs[0] = 99


def test_kept_blocks_have_a_budget_of_their_own():
    from search.backends.whoosh.postings import Decoded

    def blocks(n: int):
        return [[Decoded(np.arange(n, dtype=np.int64), np.ones(n, dtype=np.float32), ())]]

    cache = PostingsCache(limit=10, block_limit=6)
    cache.put(("body", "oil"), postings(8))
    cache.keep_blocks(("blocks", "body", "oil"), blocks(4))
    cache.keep_blocks(("blocks", "body", "gold"), blocks(4))  # the oil blocks leave, not oil
    assert cache.get(("body", "oil")) is not None
    assert cache.get(("blocks", "body", "oil")) is None
    assert cache.get(("blocks", "body", "gold")) is not None
    cache.keep_blocks(("blocks", "body", "the"), blocks(7))  # more than the budget: not kept
    assert cache.get(("blocks", "body", "the")) is None
    assert cache.size == 8
