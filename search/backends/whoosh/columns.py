"""Compact per-document arrays for filters, facets, date histograms and date sorting.

Whoosh's own facet counting and date ranges are its slow spots (see
shared/ENGINE-FIGURES.md). Instead, every document's outlet, date, language, tags
and authors are kept in numpy arrays indexed by document number, built once per
index segment, and a query's matches become a boolean mask: a filter is an array
lookup, a facet count is a ``bincount``.
"""

from dataclasses import dataclass, field

import numpy as np

_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
_LANGUAGES: dict[str, int] = {"": 0}


def language_code(language: str) -> int:
    return _LANGUAGES.setdefault(language, len(_LANGUAGES))


def language_name(code: int) -> str:
    return next((name for name, c in _LANGUAGES.items() if c == code), "")


@dataclass
class Columns:
    """The facet data of a run of documents, numbered from 0."""

    ids: np.ndarray  # article id
    outlet: np.ndarray  # outlet id, 0 for none
    date: np.ndarray  # proleptic ordinal, 0 for undated
    language: np.ndarray  # code from language_code()
    duplicate_of: np.ndarray
    copy_group: np.ndarray  # the id of the copy group's original (its own id for one)
    story: np.ndarray  # story id, 0 for none
    tag_doc: np.ndarray  # one entry per (document, tag)
    tag_id: np.ndarray
    tag_kind: np.ndarray
    author_doc: np.ndarray
    author_id: np.ndarray
    # Words per document in the title and the body (for BM25 scoring).
    title_length: np.ndarray | None = None
    body_length: np.ndarray | None = None

    @classmethod
    def from_metas(cls, ids: list[int], metas: list[tuple]) -> "Columns":
        tag_doc, tag_id, tag_kind, author_doc, author_id = [], [], [], [], []
        for doc, meta in enumerate(metas):
            tags, kinds, authors = meta[3], meta[4], meta[5]
            tag_doc.extend([doc] * len(tags))
            tag_id.extend(tags)
            tag_kind.extend(kinds)
            author_doc.extend([doc] * len(authors))
            author_id.extend(authors)
        return cls(
            ids=np.array(ids, dtype=np.int64),
            outlet=np.array([m[0] for m in metas], dtype=np.int64),
            date=np.array([m[1] for m in metas], dtype=np.int64),
            language=np.array([language_code(m[2]) for m in metas], dtype=np.int32),
            duplicate_of=np.array([m[6] for m in metas], dtype=np.int64),
            # Documents indexed before copy groups were kept: their own group, no story.
            copy_group=np.array(
                [(m[7] if len(m) > 7 else 0) or m[6] or i for i, m in zip(ids, metas, strict=True)],
                dtype=np.int64,
            ),
            story=np.array([m[8] if len(m) > 8 else 0 for m in metas], dtype=np.int64),
            tag_doc=np.array(tag_doc, dtype=np.int64),
            tag_id=np.array(tag_id, dtype=np.int64),
            tag_kind=np.array(tag_kind, dtype=np.int8),
            author_doc=np.array(author_doc, dtype=np.int64),
            author_id=np.array(author_id, dtype=np.int64),
        )

    @classmethod
    def concat(cls, parts: list[tuple["Columns", int]]) -> "Columns":
        """Join segments' columns; each part is (columns, offset of its first doc)."""

        def cat(name, shift=False):
            arrays = [getattr(c, name) + (off if shift else 0) for c, off in parts]
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)

        return cls(
            ids=cat("ids"),
            outlet=cat("outlet"),
            date=cat("date"),
            language=cat("language"),
            duplicate_of=cat("duplicate_of"),
            copy_group=cat("copy_group"),
            story=cat("story"),
            tag_doc=cat("tag_doc", shift=True),
            tag_id=cat("tag_id"),
            tag_kind=cat("tag_kind"),
            author_doc=cat("author_doc", shift=True),
            author_id=cat("author_id"),
            title_length=cat("title_length"),
            body_length=cat("body_length"),
        )


@dataclass(frozen=True)
class Units:
    """What one hit stands for under a collapse: a key per document (its copy group, or
    its story as a negative number), and whether another live document shares it."""

    key: np.ndarray
    shared: np.ndarray  # bool per document number

    @classmethod
    def of(cls, key: np.ndarray, live: np.ndarray) -> "Units":
        keys, counts = np.unique(key[live], return_counts=True)
        return cls(key, live & np.isin(key, keys[counts > 1]))

    def first_of_each(self, docs: np.ndarray, *order: np.ndarray) -> np.ndarray:
        """Of ``docs`` (document numbers), the first of each unit: ``order`` sorts them,
        as ``np.lexsort`` keys, the last one primary."""
        sort = np.lexsort((*order, self.key[docs]))
        keys = self.key[docs][sort]
        first = np.ones(len(sort), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        return docs[sort[first]]


# A facet gathers the tags of its matches when they are fewer than a quarter of its
# tags, and its tags more than a quarter of the documents (measured at 10x: place tags,
# a tenth matched, 0.92 -> 0.41 ms; a kind with few tags is faster read whole).
_SPARSE_SHARE = 4


def _ranges(begins: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Every index in the ranges [begin, end), in order, without a Python loop."""
    lengths = ends - begins
    offsets = np.repeat(begins - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(int(lengths.sum()))


# Up to this many values, a filter compares each in turn: numpy's ``isin`` builds a
# table or sorts first, five times slower for one value over a million tags.
_FEW_VALUES = 8


def _among(values: np.ndarray, wanted) -> np.ndarray:
    """Whether each of ``values`` is one of ``wanted``."""
    wanted = list(wanted)
    if len(wanted) > _FEW_VALUES:
        return np.isin(values, wanted)
    found = np.zeros(len(values), dtype=bool)
    for value in wanted:
        found |= values == value
    return found


def tally(values: np.ndarray, docs: np.ndarray, units: Units | None) -> dict[int, int]:
    """{value: count} of the documents ``docs`` having ``values`` (aligned), counting
    each unit once per value; without units, each document."""
    if units is None:
        return FacetData._count(values)
    shared = units.shared[docs]
    counts = FacetData._count(values[~shared])
    if shared.any():
        values, keys = values[shared], units.key[docs[shared]]
        sort = np.lexsort((keys, values))
        values, keys = values[sort], keys[sort]
        first = np.ones(len(values), dtype=bool)
        first[1:] = (values[1:] != values[:-1]) | (keys[1:] != keys[:-1])
        for value, n in FacetData._count(values[first]).items():
            counts[value] = counts.get(value, 0) + n
    return counts


@dataclass
class FacetData:
    """Columns of every document of one index generation, with derived arrays."""

    columns: Columns
    live: np.ndarray  # bool per document number: not deleted
    month: np.ndarray = field(init=False)  # year * 12 + month - 1; -1 when undated
    year: np.ndarray = field(init=False)
    newest: np.ndarray = field(init=False)  # live docnums, newest first
    oldest: np.ndarray = field(init=False)
    _by_id: tuple = field(init=False)
    _derived: dict = field(init=False, default_factory=dict)  # built on first use

    def __post_init__(self):
        c = self.columns
        dated = c.date > 0
        months = (c.date - _EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[M]")
        month = months.astype(np.int64) + 1970 * 12
        self.month = np.where(dated, month, -1)
        self.year = np.where(dated, self.month // 12, 0)
        docs = np.flatnonzero(self.live)
        # Undated articles come last in both orders; ties break on id.
        newest_key = np.lexsort((-c.ids[docs], -np.where(dated, c.date, 0)[docs]))
        self.newest = docs[newest_key]
        far = np.iinfo(np.int64).max // 2
        oldest_key = np.lexsort((c.ids[docs], np.where(dated, c.date, far)[docs]))
        self.oldest = docs[oldest_key]
        order = np.argsort(c.ids[docs], kind="stable")
        self._by_id = (c.ids[docs][order], docs[order])

    @property
    def size(self) -> int:
        return len(self.live)

    def docnums_for_ids(self, ids) -> np.ndarray:
        sorted_ids, docs = self._by_id
        ids = np.asarray(list(ids), dtype=np.int64)
        where = np.searchsorted(sorted_ids, ids)
        where = np.clip(where, 0, max(len(sorted_ids) - 1, 0))
        found = (len(sorted_ids) > 0) & (sorted_ids[where] == ids) if len(ids) else ids > 0
        return docs[where[found]] if len(sorted_ids) else np.zeros(0, dtype=np.int64)

    def mask_of(self, docnums) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[np.asarray(docnums, dtype=np.int64)] = True
        return mask & self.live

    # Filters: each returns a boolean mask over document numbers.
    def outlet_mask(self, ids) -> np.ndarray:
        return _among(self.columns.outlet, ids)

    def year_mask(self, years) -> np.ndarray:
        return _among(self.year, years)

    def month_mask(self, months) -> np.ndarray:
        return _among(self.month, months)

    def language_mask(self, languages) -> np.ndarray:
        codes = [_LANGUAGES[x] for x in languages if x in _LANGUAGES]
        return _among(self.columns.language, codes)

    def date_mask(self, start: int | None, end: int | None) -> np.ndarray:
        date = self.columns.date
        mask = date > 0
        if start is not None:
            mask &= date >= start
        if end is not None:
            mask &= date <= end
        return mask

    def tag_mask(self, ids) -> np.ndarray:
        c = self.columns
        return self.mask_of(c.tag_doc[_among(c.tag_id, ids)])

    def author_mask(self, ids) -> np.ndarray:
        c = self.columns
        return self.mask_of(c.author_doc[_among(c.author_id, ids)])

    def units(self, collapse: str) -> Units | None:
        """What one hit stands for (``SearchRequest.collapse``); None: each document."""
        if collapse == "none":
            return None
        if collapse not in self._derived:
            c = self.columns
            key = (
                c.copy_group
                if collapse == "copies"
                else np.where(c.story > 0, -c.story, c.copy_group)
            )
            self._derived[collapse] = Units.of(key, self.live)
        return self._derived[collapse]

    def original_outlet(self) -> np.ndarray:
        """Per document, the outlet of its copy group's original (its own when the
        original is not indexed): whom "original reporting only" credits."""
        if "credit" not in self._derived:
            c = self.columns
            sorted_ids, docs = self._by_id
            if not len(sorted_ids):
                self._derived["credit"] = c.outlet
                return c.outlet
            where = np.clip(np.searchsorted(sorted_ids, c.copy_group), 0, len(sorted_ids) - 1)
            found = sorted_ids[where] == c.copy_group
            self._derived["credit"] = np.where(found, c.outlet[docs[where]], c.outlet)
        return self._derived["credit"]

    def rank_of(self, order: np.ndarray) -> np.ndarray:
        """Each document's position in ``order`` (``newest`` or ``oldest``)."""
        name = "newest" if order is self.newest else "oldest"
        if name not in self._derived:
            rank = np.full(self.size, len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._derived[name] = rank
        return self._derived[name]

    # Counts over a mask: {value: count} for values with at least one document
    # (with ``units``: of units, each counted once per value).
    @staticmethod
    def _count(values: np.ndarray) -> dict[int, int]:
        if not len(values):
            return {}
        if values.min() >= 0 and values.max() < 4 * len(values) + 100_000:
            counts = np.bincount(values)  # linear, where unique() would sort
            found = np.flatnonzero(counts)
            return dict(zip(found.tolist(), counts[found].tolist(), strict=True))
        found, counts = np.unique(values, return_counts=True)
        return dict(zip(found.tolist(), counts.tolist(), strict=True))

    # ``docs``, when given, are the numbers of the mask's documents (``np.flatnonzero``),
    # found once for every count over the same mask.
    @staticmethod
    def _per_doc(array: np.ndarray, mask, units: Units | None, keep, docs=None) -> dict[int, int]:
        docs = np.flatnonzero(mask) if docs is None else docs
        values = array[docs]
        chosen = keep(values)
        return tally(values[chosen], docs[chosen], units)

    def outlet_counts(self, mask, units=None, *, original=False, docs=None) -> dict[int, int]:
        outlets = self.original_outlet() if original else self.columns.outlet
        return self._per_doc(outlets, mask, units, lambda v: v > 0, docs)

    def year_counts(self, mask, units=None, *, docs=None) -> dict[int, int]:
        return self._per_doc(self.year, mask, units, lambda v: v > 0, docs)

    def month_counts(self, mask, units=None, *, docs=None) -> dict[int, int]:
        return self._per_doc(self.month, mask, units, lambda v: v >= 0, docs)

    def day_counts(self, mask, *, docs=None) -> dict[int, int]:
        """{proleptic ordinal: hits}; counted from the first day so ``bincount`` stays short."""
        values = self.columns.date[mask if docs is None else docs]
        values = values[values > 0]
        if not len(values):
            return {}
        first = int(values.min())
        return {first + day: n for day, n in self._count(values - first).items()}

    def language_counts(self, mask, units=None, *, docs=None) -> dict[str, int]:
        counts = self._per_doc(self.columns.language, mask, units, lambda v: v > 0, docs)
        return {language_name(code): n for code, n in counts.items()}

    def tag_counts(self, mask, kind_code: int, units=None, *, docs=None) -> dict[int, int]:
        tagged, ids, starts = self._tags_of_kind(kind_code)
        # Few matches among many tags: read only their tags (finding the matches costs
        # a pass over every document, worth it only when the tags outnumber them).
        count = np.count_nonzero(mask) if docs is None else len(docs)
        if starts is not None and count * _SPARSE_SHARE < len(tagged):
            matched = np.flatnonzero(mask) if docs is None else docs
            at = _ranges(starts[matched], starts[matched + 1])
            return tally(ids[at], tagged[at], units)
        chosen = mask[tagged]
        return tally(ids[chosen], tagged[chosen], units)

    def _tags_of_kind(self, kind_code: int) -> tuple:
        """(document numbers ascending, tag ids, where each document's tags start) of the
        tags of one kind: a facet reads only its own kind's entries, not every tag's. The
        starts (4 bytes a document) only for a kind with tags enough to use them."""
        key = ("tags", kind_code)
        if key not in self._derived:
            c = self.columns
            of_kind = np.flatnonzero(c.tag_kind == kind_code)
            of_kind = of_kind[np.argsort(c.tag_doc[of_kind], kind="stable")]
            docs, starts = c.tag_doc[of_kind], None
            if len(docs) * _SPARSE_SHARE > self.size:
                starts = np.searchsorted(docs, np.arange(self.size + 1)).astype(np.int32)
            self._derived[key] = (docs, c.tag_id[of_kind], starts)
        return self._derived[key]

    def author_counts(self, mask, units=None) -> dict[int, int]:
        c = self.columns
        chosen = mask[c.author_doc]
        return tally(c.author_id[chosen], c.author_doc[chosen], units)

    def date_bounds(self, mask) -> tuple[int, int] | None:
        months = self.month[mask]
        months = months[months >= 0]
        return (int(months.min()), int(months.max())) if len(months) else None
