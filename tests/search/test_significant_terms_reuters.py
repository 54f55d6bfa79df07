"""Significant terms of a Reuters topic, on two files of Reuters-21578 (2,000 articles,
25 of them about coffee), on every backend."""

import pytest

from search import bench, compare
from search.documents import articles_for_index
from search.types import SearchRequest

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FILES = ("reut2-000.xml", "reut2-001.xml")
STOP = {"the", "a", "of", "and", "to", "in", "for", "on", "said", "is", "it", "by", "at"}


@pytest.fixture
def reuters(reuters_dir, tmp_path, search_backend):
    for name in FILES:
        (tmp_path / name).symlink_to(reuters_dir / name)
    bench.corpus_load(tmp_path, copies=range(1), log=lambda _: None)
    search_backend.rebuild(articles_for_index())


def test_coffee_topic_is_set_apart_by_coffee_ico_quotas_and_brazil(reuters):
    found = compare.terms(SearchRequest(tags=("topic:coffee",)))
    words = [t.word for t in found.terms]
    shown = " ".join(f"{t.word}:{t.score}:{t.count}" for t in found.terms)
    assert set(words[:3]) == {"coffee", "ico", "quotas"}, shown
    assert "brazil" in words, shown  # 19th on these two files: 10 of the 27 articles
    assert not STOP & set(words), shown
    assert found.matched >= 20 and not found.sampled
