"""Index generations: a new one is swapped in whole, and nothing unknown is ever wiped."""

import pytest

from search.backends.whoosh.store import POINTER, IndexStore
from search.types import SearchUnavailable


def test_ensure_creates_an_empty_index_once(tmp_path):
    store = IndexStore(tmp_path)
    first = store.ensure()
    assert store.ensure() == first == store.current()


def test_a_swap_keeps_the_previous_generation_only(tmp_path):
    store = IndexStore(tmp_path)
    generations = []
    for _ in range(3):
        _ix, directory = store.new_generation()
        store.swap(directory)
        generations.append(directory)
    assert store.current() == generations[-1]
    assert sorted(p.name for p in tmp_path.glob("gen-*")) == sorted(
        d.name for d in generations[-2:]
    )


def test_a_pointer_to_a_directory_that_is_no_index_is_never_wiped(tmp_path):
    stranger = tmp_path / "gen-stranger"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("precious")
    (tmp_path / POINTER).write_text(stranger.name)
    with pytest.raises(SearchUnavailable):
        IndexStore(tmp_path).ensure()
    assert (stranger / "keep.txt").read_text() == "precious"
