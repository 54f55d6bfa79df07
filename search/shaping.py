"""Raw counts shaped for people, the same whatever the engine: facet values with their
labels, the months the month facet shows, and the histogram.

A backend counts by id or value (``search.backends.base.BackendResult``); the query
service looks up the labels once and hands them here.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from search.types import TAG_KINDS, FacetValue, HistogramBucket, SearchRequest

FACET_SIZE = 20  # values shown per facet (selected ones come on top of it)
CONTENDERS = FACET_SIZE * 10  # the most values counted where many tie at the cut
YEARLY_AFTER_MONTHS = 36  # a longer span is shown by year


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


def histogram_shape(months: dict[int, int]) -> list[HistogramBucket]:
    """Every month from the first hit to the last, or every year for a longer span."""
    if not months:
        return []
    first, last = min(months), max(months)
    if last - first > YEARLY_AFTER_MONTHS:
        per_year: dict[int, int] = {}
        for number, count in months.items():
            per_year[number // 12] = per_year.get(number // 12, 0) + count
        return [
            HistogramBucket(str(y), per_year.get(y, 0), dt.date(y, 1, 1), dt.date(y, 12, 31))
            for y in range(first // 12, last // 12 + 1)
        ]
    buckets = []
    for number in range(first, last + 1):
        year, month = divmod(number, 12)
        end = dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        start = dt.date(year, month + 1, 1)
        buckets.append(HistogramBucket(month_value(number), months.get(number, 0), start, end))
    return buckets
