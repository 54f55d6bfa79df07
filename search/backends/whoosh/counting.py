"""Filters and counts over the matches as numpy masks (``columns``): a mask per filter
group, each facet counted under every filter but its own, the documents a list shows
when copies or stories fold, and what folds into each."""

import numpy as np

from search.backends.base import Filters
from search.backends.whoosh.columns import FacetData, Units
from search.documents import TAG_KIND_CODES
from search.shaping import contenders, month_of
from search.types import MAX_COPIES_LISTED, TAG_KINDS, SearchRequest


def filter_masks(
    request: SearchRequest, filters: Filters, data: FacetData, dates
) -> dict[str, np.ndarray]:
    """One mask per active filter group; values within a group are ORed."""
    groups = {}
    if filters.outlets is not None:
        groups["outlet"] = data.outlet_mask(filters.outlets)
    if filters.authors is not None:
        groups["author"] = data.author_mask(filters.authors)
    if request.languages:
        groups["language"] = data.language_mask(request.languages)
    if request.years:
        groups["year"] = data.year_mask([int(y) for y in request.years])
    if request.months:
        groups["month"] = data.month_mask([month_of(m) for m in request.months])
    for kind, ids in filters.tags.items():
        groups[f"tag:{kind}"] = data.tag_mask(ids)
    if filters.scope:  # named after no facet: every count keeps it
        field, ids = filters.scope
        masks = {"outlet": data.outlet_mask, "author": data.author_mask, "tag": data.tag_mask}
        groups["scope"] = masks[field](ids)
    if filters.ids is not None:  # named after no facet: every count keeps it
        groups["ids"] = data.mask_of(data.docnums_for_ids(filters.ids))
    if request.date_from or request.date_to:
        start = request.date_from.toordinal() if request.date_from else None
        end = request.date_to.toordinal() if request.date_to else None
        groups["date"] = data.date_mask(start, end)
    for number, date_range in enumerate(dates):
        start = date_range.start.toordinal() if date_range.start else None
        end = date_range.end.toordinal() if date_range.end else None
        groups[f"date{number}"] = data.date_mask(start, end)
    return groups


def filtered(matched, groups, *names) -> np.ndarray:
    """The ``matched`` documents under every filter group but ``names``."""
    mask = matched.copy()
    for name, group in groups.items():
        if name not in names:
            mask &= group
    return mask


def facets(request: SearchRequest, data: FacetData, matched, groups) -> dict[str, dict]:
    """Each facet asked for, counted under every filter but its own, in the request's
    unit (a copy group or story once per value any of its matching articles has)."""
    wanted, counts = set(request.facets), {}
    units = data.units(request.collapse)
    under: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def without(*names) -> tuple[np.ndarray, np.ndarray]:
        """The mask and documents of the matches under every filter but ``names``:
        facets under the same filters (all of them when none is set) share one."""
        key = tuple(name for name in groups if name not in names)
        if key not in under:
            mask = filtered(matched, groups, *names)
            under[key] = mask, np.flatnonzero(mask)
        return under[key]

    if "outlet" in wanted:
        mask, docs = without("outlet")
        original = request.outlet_credit == "original"
        counts["outlet"] = contenders(data.outlet_counts(mask, units, original=original, docs=docs))
    if "author" in wanted:
        mask, _docs = without("author")
        counts["author"] = contenders(data.author_counts(mask, units))
    for kind in TAG_KINDS:
        if kind in wanted:
            mask, docs = without(f"tag:{kind}")
            counts[kind] = contenders(data.tag_counts(mask, TAG_KIND_CODES[kind], units, docs=docs))
    if "year" in wanted:
        mask, docs = without("year", "month")
        counts["year"] = data.year_counts(mask, units, docs=docs)
    if "month" in wanted:
        mask, docs = without("month")
        counts["month"] = data.month_counts(mask, units, docs=docs)
    if "language" in wanted:
        mask, docs = without("language")
        counts["language"] = data.language_counts(mask, units, docs=docs)
    return counts


def shown(full: np.ndarray, full_docs, units: Units | None, order) -> tuple[np.ndarray, np.ndarray]:
    """The documents of ``full`` (numbered ``full_docs``, ascending) the list shows, as a
    mask and as numbers: each that shares its unit with no other match, and the first
    match of each shared unit under the result's order (``order(docs)``: ``np.lexsort``
    keys, the last one primary). ``full`` itself when nothing folds."""
    if units is None:
        return full, full_docs
    docs = full_docs[units.shared[full_docs]]
    if not len(docs):
        return full, full_docs
    listed = full & ~units.shared
    listed[units.first_of_each(docs, *order(docs))] = True
    return listed, np.flatnonzero(listed)


def folded(data: FacetData, full_docs, listed, units: Units | None, page: list[int]) -> dict:
    """{docnum of the page: (ids of the matches folded into it, oldest first, at most
    MAX_COPIES_LISTED; how many in all)}; ``full_docs``: the matches, ascending;
    ``listed``: the mask ``shown`` gives."""
    if units is None or not page:
        return {}
    docs = full_docs[units.shared[full_docs] & ~listed[full_docs]]
    docs = docs[np.isin(units.key[docs], units.key[page])]
    docs = docs[np.argsort(data.rank_of(data.oldest)[docs], kind="stable")]
    members: dict[int, list[int]] = {}
    for docnum in docs.tolist():
        members.setdefault(int(units.key[docnum]), []).append(int(data.columns.ids[docnum]))
    into = {}
    for docnum in page:
        ids = members.get(int(units.key[docnum]), [])
        into[docnum] = (tuple(ids[:MAX_COPIES_LISTED]), len(ids))
    return into
