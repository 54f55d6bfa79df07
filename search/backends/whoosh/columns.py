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
            tag_doc=cat("tag_doc", shift=True),
            tag_id=cat("tag_id"),
            tag_kind=cat("tag_kind"),
            author_doc=cat("author_doc", shift=True),
            author_id=cat("author_id"),
            title_length=cat("title_length"),
            body_length=cat("body_length"),
        )


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
        return np.isin(self.columns.outlet, list(ids))

    def year_mask(self, years) -> np.ndarray:
        return np.isin(self.year, list(years))

    def month_mask(self, months) -> np.ndarray:
        return np.isin(self.month, list(months))

    def language_mask(self, languages) -> np.ndarray:
        codes = [_LANGUAGES[x] for x in languages if x in _LANGUAGES]
        return np.isin(self.columns.language, codes)

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
        return self.mask_of(c.tag_doc[np.isin(c.tag_id, list(ids))])

    def author_mask(self, ids) -> np.ndarray:
        c = self.columns
        return self.mask_of(c.author_doc[np.isin(c.author_id, list(ids))])

    # Counts over a mask: {value: count} for values with at least one document.
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

    def outlet_counts(self, mask) -> dict[int, int]:
        values = self.columns.outlet[mask]
        return self._count(values[values > 0])

    def year_counts(self, mask) -> dict[int, int]:
        values = self.year[mask]
        return self._count(values[values > 0])

    def month_counts(self, mask) -> dict[int, int]:
        values = self.month[mask]
        return self._count(values[values >= 0])

    def day_counts(self, mask) -> dict[int, int]:
        """{proleptic ordinal: hits}; counted from the first day so ``bincount`` stays short."""
        values = self.columns.date[mask]
        values = values[values > 0]
        if not len(values):
            return {}
        first = int(values.min())
        return {first + day: n for day, n in self._count(values - first).items()}

    def language_counts(self, mask) -> dict[str, int]:
        counts = self._count(self.columns.language[mask])
        return {language_name(code): n for code, n in counts.items() if code}

    def tag_counts(self, mask, kind_code: int) -> dict[int, int]:
        c = self.columns
        chosen = mask[c.tag_doc] & (c.tag_kind == kind_code)
        return self._count(c.tag_id[chosen])

    def author_counts(self, mask) -> dict[int, int]:
        c = self.columns
        return self._count(c.author_id[mask[c.author_doc]])

    def date_bounds(self, mask) -> tuple[int, int] | None:
        months = self.month[mask]
        months = months[months >= 0]
        return (int(months.min()), int(months.max())) if len(months) else None
