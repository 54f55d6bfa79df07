"""Raw counts shaped for people, the same whatever the engine: facet values with their
labels, the months the month facet shows, and the histogram (from counts per day).

A backend counts by id or value (``search.backends.base.BackendResult``); the query
service looks up the labels once and hands them here.
"""

import calendar
import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate

from search.types import BINS, TAG_KINDS, FacetValue, HistogramBucket, SearchRequest

FACET_SIZE = 20  # values shown per facet (selected ones come on top of it)
CONTENDERS = FACET_SIZE * 10  # the most values counted where many tie at the cut
# The histogram: the finest bin showing the hits in at most AUTO_BARS bars is chosen; a bin
# asked for may take up to MAX_BARS. Outliers: see ``_dense_range``.
AUTO_BARS = 31
MAX_BARS = 100
OUTLIER_SHARE = 0.1  # of the hits, at most, for a side to count as outliers
OUTLIER_GAP = 4
MIN_SPAN = 30  # days
MAX_CUTS = 4


def month_number(year: int, month: int) -> int:
    """Months counted from year 0: ``year * 12 + month - 1`` (what backends count by)."""
    return year * 12 + month - 1


def month_value(number: int) -> str:
    year, month = divmod(number, 12)
    return f"{year:04d}-{month + 1:02d}"


def month_of(value: str) -> int:
    """The number of a ``YYYY-MM`` month."""
    year, month = str(value).split("-")
    return month_number(int(year), int(month))


def contenders(counts: dict, size: int = FACET_SIZE) -> dict:
    """The values that may be among the ``size`` biggest: all counted at least as often
    as the size-th biggest, so that ties are cut by label, not by the order of ids.
    At most CONTENDERS of them (the smallest ids first), for a facet where thousands tie."""
    ordered = sorted(counts, key=counts.get, reverse=True)
    if len(ordered) <= size:
        return dict(counts)
    floor = counts[ordered[size - 1]]
    return {k: counts[k] for k in ordered[:CONTENDERS] if counts[k] >= floor}


@dataclass(frozen=True)
class Labels:
    """{id: (filter value, label)} of the outlets, authors and tags a result shows."""

    outlet: dict[int, tuple[str, str]] = field(default_factory=dict)
    author: dict[int, tuple[str, str]] = field(default_factory=dict)
    tag: dict[int, tuple[str, str]] = field(default_factory=dict)  # value "kind:slug"


def labelled(counts: dict[str, dict]) -> dict[str, set[int]]:
    """{"outlet" | "author" | "tag": ids} whose labels the counted facets need."""
    wanted = {"outlet": set(counts.get("outlet", ())), "author": set(counts.get("author", ()))}
    wanted["tag"] = {i for kind in TAG_KINDS for i in counts.get(kind, ())}
    return wanted


def facets_shape(
    request: SearchRequest, counts: dict[str, dict], labels: Labels
) -> dict[str, list[FacetValue]]:
    """Each counted facet's values, biggest first, ties by label; selected values are
    always there (``labels`` has every selected outlet, author and tag)."""
    tags = set(request.tags)
    shaped = {}
    for name in request.facets:
        if name not in counts:
            continue
        found = counts[name]
        if name == "outlet":
            shaped[name] = _named(found, labels.outlet, set(request.outlets))
        elif name == "author":
            shaped[name] = _named(found, labels.author, set(request.authors))
        elif name in TAG_KINDS:
            of_kind = {k: v for k, v in labels.tag.items() if v[0].startswith(f"{name}:")}
            shaped[name] = _named(found, of_kind, tags)
        elif name == "year":
            shaped[name] = _years(found, {int(y) for y in request.years})
        elif name == "month":
            shaped[name] = _months(found, {int(y) for y in request.years}, request.months)
        elif name == "language":
            shaped[name] = _languages(found, set(request.languages))
    if request.scope:  # the page's own subject is no value to narrow it by
        field, value = request.scope
        for name in TAG_KINDS if field == "tag" else (field,):
            if name in shaped:
                shaped[name] = [v for v in shaped[name] if v.value != value]
    return shaped


def _order(count: int, label: tuple[str, str]) -> tuple:
    return (-count, label[1].casefold(), label[1], label[0])


def _named(counts: dict, labels: dict, selected: set[str]) -> list[FacetValue]:
    """The FACET_SIZE biggest labelled values, and every selected one."""
    known = sorted((k for k in counts if k in labels), key=lambda k: _order(counts[k], labels[k]))
    shown = known[:FACET_SIZE]
    values = {labels[k][0] for k in shown}
    shown += [k for k, (value, _) in labels.items() if value in selected and value not in values]
    shown.sort(key=lambda k: _order(counts.get(k, 0), labels[k]))
    return [
        FacetValue(labels[k][0], labels[k][1], counts.get(k, 0), labels[k][0] in selected)
        for k in shown
    ]


def _years(counts: dict[int, int], chosen: set[int]) -> list[FacetValue]:
    years = sorted(set(counts) | chosen, reverse=True)
    return [FacetValue(str(y), str(y), counts.get(y, 0), y in chosen) for y in years]


def _months(counts: dict[int, int], years: set[int], chosen_values) -> list[FacetValue]:
    """Months within the selected year(s), or within the only year of the hits; and
    every selected month."""
    chosen = {month_of(m) for m in chosen_values}
    if not years:
        found = {number // 12 for number in counts}
        years = found if len(found) == 1 else set()
    numbers = {n for n in counts if n // 12 in years} | chosen
    values = []
    for number in sorted(numbers):
        year, month = divmod(number, 12)
        label = f"{calendar.month_name[month + 1]} {year}"
        count = counts.get(number, 0)
        values.append(FacetValue(month_value(number), label, count, number in chosen))
    return values


def _languages(counts: dict[str, int], chosen: set[str]) -> list[FacetValue]:
    biggest = sorted(counts, key=lambda code: (-counts[code], code))[:FACET_SIZE]
    codes = sorted(set(biggest) | chosen, key=lambda code: (-counts.get(code, 0), code))
    return [FacetValue(code, code, counts.get(code, 0), code in chosen) for code in codes]


@dataclass(frozen=True)
class Histogram:
    """The date histogram: ``bin``-wide buckets over where the hits are, the bins that
    would show them too, and the hits far outside (``SearchResult.histogram*``)."""

    buckets: list[HistogramBucket] = field(default_factory=list)
    bin: str = ""
    bins: tuple[str, ...] = ()
    outside: list[HistogramBucket] = field(default_factory=list)


def histogram_shape(days: dict[int, int], asked: str | None = None) -> Histogram:
    """Buckets from the day counts (``date.toordinal()`` -> hits): the finest bin that
    shows the dense range in at most AUTO_BARS bars, or the bin ``asked`` when it needs
    no more than MAX_BARS. Far outliers are left out of the axis, so that one article
    decades away cannot squeeze the rest into one bar; they are counted in ``outside``."""
    if not days:
        return Histogram()
    first, last, outside = _dense_range(days)
    return _binned(days, first, last, asked, outside)


def series_shape(days: dict[int, int], asked: str | None = None) -> Histogram:
    """Buckets over the whole span of ``days`` (no outliers left off: a time series of
    a comparison sums to its totals), the bin chosen as for ``histogram_shape``."""
    if not days:
        return Histogram()
    return _binned(days, min(days), max(days), asked, [])


def bin_of(ordinal: int, name: str) -> dt.date:
    """The first day of the ``name`` bin holding day ``ordinal`` (``date.toordinal()``)."""
    return _bin_start(dt.date.fromordinal(ordinal), name)


def _binned(days: dict[int, int], first: int, last: int, asked, outside) -> Histogram:
    start, end = dt.date.fromordinal(first), dt.date.fromordinal(last)
    bars = {name: _bar_count(start, end, name) for name in BINS}
    auto = next((name for name in BINS if bars[name] <= AUTO_BARS), "year")
    chosen = asked if asked in BINS and bars[asked] <= MAX_BARS else auto
    offered = tuple(n for n in BINS if n == chosen or 1 < bars[n] <= MAX_BARS)
    # A bar's count is the hits up to its end less those before its start: running sums
    # over the days in order, found by bisection (not each day's bar worked out in turn).
    ordered = sorted(d for d in days if first <= d <= last)
    running = [0, *accumulate(days[d] for d in ordered)]

    def before(ordinal: int) -> int:
        return running[bisect_left(ordered, ordinal)]

    buckets, at = [], _bin_start(start, chosen)
    while at is not None and at <= end:
        after = _bin_after(at, chosen)
        until = after - dt.timedelta(days=1) if after else dt.date.max
        count = before(until.toordinal() + 1) - before(at.toordinal())
        buckets.append(HistogramBucket(_period(at, chosen), count, at, until))
        at = after
    return Histogram(buckets, chosen, offered, outside)


def _dense_range(days: dict[int, int]) -> tuple[int, int, list[HistogramBucket]]:
    """(first day, last day, outside buckets): the widest gap is cut off, at most
    MAX_CUTS times, while the side beyond it is a small minority (OUTLIER_SHARE of the hits)
    and the gap is OUTLIER_GAP times longer than what is left (plus MIN_SPAN days)."""
    ordered = sorted(days)
    total = sum(days.values())
    lo, hi, cut = 0, len(ordered) - 1, {"before": 0, "after": 0}
    for _ in range(MAX_CUTS):
        if lo >= hi:
            break
        gap, at = max((ordered[i + 1] - ordered[i], i) for i in range(lo, hi))
        left = sum(days[d] for d in ordered[lo : at + 1])
        right = sum(days[d] for d in ordered[at + 1 : hi + 1])
        before = left < right  # the side cut off: the smaller one
        few = min(left, right)
        kept = ordered[hi] - ordered[at + 1] if before else ordered[at] - ordered[lo]
        allowed = OUTLIER_SHARE * total - cut["before"] - cut["after"]
        if few == max(left, right) or few > allowed or gap < OUTLIER_GAP * (kept + MIN_SPAN):
            break
        cut["before" if before else "after"] += few
        lo, hi = (at + 1, hi) if before else (lo, at)
    outside = []
    if lo > 0:
        outside.append(_outside(ordered[0], ordered[lo - 1], cut["before"]))
    if hi < len(ordered) - 1:
        outside.append(_outside(ordered[hi + 1], ordered[-1], cut["after"]))
    return ordered[lo], ordered[hi], outside


def _outside(first: int, last: int, count: int) -> HistogramBucket:
    start, end = dt.date.fromordinal(first), dt.date.fromordinal(last)
    period = str(start.year) if start.year == end.year else f"{start.year}/{end.year}"
    return HistogramBucket(period, count, start, end)


def _bar_count(start: dt.date, end: dt.date, name: str) -> int:
    if name == "day":
        return (end - start).days + 1
    if name == "week":
        return (_bin_start(end, "week") - _bin_start(start, "week")).days // 7 + 1
    if name == "month":
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return end.year - start.year + 1


def _bin_start(day: dt.date, name: str) -> dt.date:
    if name == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    if name == "month":
        return day.replace(day=1)
    if name == "year":
        return day.replace(month=1, day=1)
    return day


def _bin_after(start: dt.date, name: str) -> dt.date | None:
    """The first day of the next bin; None after the last representable one."""
    try:
        if name == "month":
            return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if name == "year":
            return start.replace(year=start.year + 1)
        return start + dt.timedelta(days=7 if name == "week" else 1)
    except (OverflowError, ValueError):
        return None


def _period(start: dt.date, name: str) -> str:
    if name == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if name == "month":
        return month_value(month_number(start.year, start.month))
    if name == "year":
        return f"{start.year:04d}"
    return start.isoformat()
