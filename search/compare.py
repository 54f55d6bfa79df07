"""Searches compared: attention over time (counts and shares of all articles per bin),
each search's facets, samples and significant terms.

One function per question a page or the API asks: ``compare`` (up to MAX_SEARCHES
searches on one time axis), ``series`` and ``terms`` (one search). The day counts are
the query service's (``search_with_days``), binned by ``search.shaping``; the archive's
own day counts are counted once and kept until an article is added, edited or deleted.
"""

import threading
from dataclasses import dataclass, replace

from search import selectors, service
from search.service import get_backend, search_with_days
from search.shaping import bin_of, series_shape
from search.significance import MIN_DOCUMENTS, SignificantTerms, significant_terms
from search.types import FacetValue, SearchRequest, SearchResult

MAX_SEARCHES = 5
# Okabe and Ito's palette, told apart with every kind of colour blindness.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
PANEL_FACETS = ("outlet", "topic", "person", "place", "organization", "author")
SAMPLES = 3  # sample articles shown per search
TERMS = 20
# Documents whose words are counted for significant terms: enough for stable top terms,
# few enough for a search of a 200,000-article archive to stay well under 300 ms.
TERM_SAMPLE = 300


@dataclass(frozen=True)
class ComparedSearch:
    request: SearchRequest
    label: str
    color: str


@dataclass(frozen=True)
class Period:
    """One bin of the time axis and how many articles the whole archive has in it."""

    period: str  # "1987-03", "1987-W10", ...
    date_from: object
    date_to: object
    archive: int


@dataclass(frozen=True)
class Series:
    """One search's hits per period, absolutely and as a share of the archive's."""

    counts: list[int]
    shares: list[float]  # 0 to 1; 0 where the archive has nothing
    total: int
    undated: int  # hits without a date: in ``total``, on no period


@dataclass(frozen=True)
class Axis:
    bin: str
    bins: tuple[str, ...]  # the bins one may switch to
    periods: list[Period]


@dataclass(frozen=True)
class Panel:
    search: ComparedSearch
    result: SearchResult  # total, facets, the sample articles (with highlights)
    series: Series
    terms: SignificantTerms

    def facet_shares(self) -> dict[str, list[tuple[FacetValue, float | None]]]:
        """Each facet's values with their share of this search's hits. A group the search
        filters by has none: its counts are what each value would find if chosen instead
        (facets count under every filter but their own), not parts of these hits."""
        total, filtered_by = self.result.total, filtered_groups(self.search.request)
        shares = {}
        for facet, values in self.result.facets.items():
            filtered = facet in filtered_by
            shares[facet] = [
                (v, None if filtered else v.count / total if total else 0.0) for v in values
            ]
        return shares


@dataclass(frozen=True)
class Comparison:
    axis: Axis
    panels: list[Panel]


def filtered_groups(request: SearchRequest) -> set[str]:
    """The panel facets whose values the request filters by (an outlet, an author, a tag
    of a kind), whether or not a chosen value is among those counted."""
    groups = {"outlet"} if request.outlets else set()
    if request.authors:
        groups.add("author")
    return groups | {tag.partition(":")[0] for tag in request.tags}


_archive: dict = {}
_archive_lock = threading.Lock()


def archive_days() -> dict[int, int]:
    """Articles per day in the whole archive (as the engine sees it), counted once per
    state of the archive (``selectors.archive_version``) and engine."""
    backend = get_backend()
    key = (type(backend).__name__, id(backend), selectors.archive_version())
    with _archive_lock:
        if _archive.get("key") == key:
            return _archive["days"]
    everything = SearchRequest(facets=(), page_size=1, highlight=False, sort="newest")
    _result, days = search_with_days(everything)
    with _archive_lock:
        _archive.update(key=key, days=days)
    return days


def axis_of(days: dict[int, int], asked: str | None) -> Axis:
    """Periods over the span of ``days`` (every search's), with the archive's counts."""
    shape = series_shape(days, asked)
    archive = _binned(archive_days(), shape.bin) if shape.bin else {}
    periods = [
        Period(b.period, b.date_from, b.date_to, archive.get(b.date_from, 0)) for b in shape.buckets
    ]
    return Axis(shape.bin, shape.bins, periods)


def _binned(days: dict[int, int], bin_name: str) -> dict:
    per_bin: dict = {}
    for ordinal, count in days.items():
        start = bin_of(ordinal, bin_name)
        per_bin[start] = per_bin.get(start, 0) + count
    return per_bin


def series_on(axis: Axis, days: dict[int, int], total: int) -> Series:
    per_bin = _binned(days, axis.bin) if axis.bin else {}
    counts = [per_bin.get(p.date_from, 0) for p in axis.periods]
    shares = [
        c / p.archive if p.archive else 0.0 for c, p in zip(counts, axis.periods, strict=True)
    ]
    return Series(counts, shares, total, total - sum(days.values()))


def _panel_request(request: SearchRequest) -> SearchRequest:
    return replace(
        request,
        facets=PANEL_FACETS,
        page=1,
        page_size=SAMPLES,
        highlight=True,
        autocorrect=False,
        histogram_bin=None,
    )


def terms(request: SearchRequest, *, limit: int = TERMS) -> SignificantTerms:
    """The words that set the search's result apart from the archive (G²)."""
    # Sorted by date: the engine need not score what it only counts.
    counted = replace(request, sort="newest", page_size=1)
    counts = service.term_counts(counted, sample=TERM_SAMPLE, least=MIN_DOCUMENTS)
    return significant_terms(counts, limit=limit)


def series(request: SearchRequest, bin_name: str | None = None) -> tuple[Axis, Series]:
    """One search's attention over time."""
    result, days = search_with_days(replace(request, facets=(), page_size=1, highlight=False))
    axis = axis_of(days, bin_name)
    return axis, series_on(axis, days, result.total)


def compare(searches: list[ComparedSearch], bin_name: str | None = None) -> Comparison:
    """Up to MAX_SEARCHES searches on one time axis, each with facets, samples and terms.

    Raises InvalidQuery (a request the service refuses) and SearchUnavailable."""
    answered = [search_with_days(_panel_request(s.request)) for s in searches[:MAX_SEARCHES]]
    every_day: dict[int, int] = {}
    for _result, days in answered:
        for day, count in days.items():
            every_day[day] = every_day.get(day, 0) + count
    axis = axis_of(every_day, bin_name)
    panels = [
        Panel(s, result, series_on(axis, days, result.total), terms(s.request))
        for s, (result, days) in zip(searches, answered, strict=False)
    ]
    return Comparison(axis, panels)
