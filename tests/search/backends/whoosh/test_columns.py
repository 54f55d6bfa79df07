"""Per-document columns: filters are array lookups, facet counts are bincounts."""

import datetime as dt

import numpy as np

from search.backends.whoosh.columns import Columns, FacetData


def _data() -> FacetData:
    day = dt.date(2018, 5, 9).toordinal()
    metas = [
        (7, day, "en", (11, 12), (2, 3), (21,), 0),
        (7, day + 40, "ko", (12,), (3,), (), 0),
        (8, 0, "", (), (), (21, 22), 0),
    ]
    return FacetData(Columns.from_metas([101, 102, 103], metas), np.array([True, True, False]))


def test_counts_skip_deleted_documents_and_missing_values():
    data = _data()
    live = data.live
    assert data.outlet_counts(live) == {7: 2}
    assert data.author_counts(live) == {21: 1}
    assert data.tag_counts(live, 3) == {12: 2}
    assert data.language_counts(live) == {"en": 1, "ko": 1}
    assert data.year_counts(live) == {2018: 2}
    assert data.month_counts(live) == {2018 * 12 + 4: 1, 2018 * 12 + 5: 1}
    day = dt.date(2018, 5, 9).toordinal()
    assert data.day_counts(live) == {day: 1, day + 40: 1}


def test_counts_given_the_masks_documents_equal_those_of_the_mask():
    """A search's facets under the same filters share the matches' document numbers
    (``docs``): the counts are those of the mask alone."""
    data = _data()
    mask = np.array([True, True, True]) & data.live
    docs = np.flatnonzero(mask)
    assert data.outlet_counts(mask, docs=docs) == data.outlet_counts(mask) == {7: 2}
    assert data.tag_counts(mask, 3, docs=docs) == data.tag_counts(mask, 3) == {12: 2}
    assert data.language_counts(mask, docs=docs) == {"en": 1, "ko": 1}
    assert data.year_counts(mask, docs=docs) == {2018: 2}
    assert data.month_counts(mask, docs=docs) == data.month_counts(mask)


def test_filters_are_masks_over_document_numbers():
    data = _data()
    assert data.outlet_mask({8}).tolist() == [False, False, True]
    assert data.tag_mask({11}).tolist() == [True, False, False]
    assert data.author_mask({22}).tolist() == [False, False, False]  # deleted
    assert data.docnums_for_ids({102, 999}).tolist() == [1]


def test_a_filter_of_many_values_is_the_union_of_each_value_alone():
    """A filter compares few values one by one and many in one pass: the same masks."""
    randomly = np.random.default_rng(3)
    metas = [
        (int(randomly.integers(1, 30)), 0, "en", (int(randomly.integers(1, 40)),), (1,), (), 0)
        for _ in range(500)
    ]
    data = FacetData(Columns.from_metas(list(range(1, 501)), metas), np.ones(500, dtype=bool))
    for mask_of in (data.outlet_mask, data.tag_mask):
        for count in (1, 3, 8, 9, 20):
            wanted = {int(v) for v in randomly.choice(np.arange(1, 40), count, replace=False)}
            union = np.zeros(500, dtype=bool)
            for value in wanted:
                union |= mask_of({value})
            assert mask_of(wanted).tolist() == union.tolist()


def test_newest_and_oldest_leave_out_deleted_and_put_undated_last():
    data = _data()
    assert data.newest.tolist() == [1, 0]
    assert data.oldest.tolist() == [0, 1]


def test_tag_counts_of_few_matches_equal_those_of_a_mask_over_every_tag():
    """A facet of a search with few matches gathers only their tags (sparse); with many,
    it tests every tag against the mask: both give the same counts, with or without
    units, whatever the share matched."""
    randomly = np.random.default_rng(7)
    size = 3000
    metas = []
    for doc in range(size):
        tags = tuple(int(t) for t in randomly.choice(60, randomly.integers(0, 6), replace=False))
        kinds = tuple(1 + t % 3 for t in tags)
        metas.append((1, 0, "en", tags, kinds, (), 0, 1 + doc // 3, 0))
    ids = list(range(1, size + 1))
    data = FacetData(Columns.from_metas(ids, metas), randomly.random(size) > 0.1)
    units = data.units("copies")
    for share in (0.001, 0.01, 0.05, 0.3, 0.9):
        mask = (randomly.random(size) < share) & data.live
        for kind in (1, 2, 3):
            docs, tag_ids = data.columns.tag_doc, data.columns.tag_id
            of_kind = data.columns.tag_kind == kind
            expected = {}
            for doc, tag in zip(docs[of_kind], tag_ids[of_kind], strict=True):
                if mask[doc]:
                    expected[int(tag)] = expected.get(int(tag), 0) + 1
            assert data.tag_counts(mask, kind) == dict(sorted(expected.items()))
            by_unit = {}
            for doc, tag in zip(docs[of_kind], tag_ids[of_kind], strict=True):
                if mask[doc]:
                    by_unit.setdefault(int(tag), set()).add(int(units.key[doc]))
            assert data.tag_counts(mask, kind, units) == {t: len(u) for t, u in by_unit.items()}
            given = data.tag_counts(mask, kind, units, docs=np.flatnonzero(mask))
            assert given == {t: len(u) for t, u in by_unit.items()}
