"""The date histogram of a search page as an inline SVG, built from a ``SearchResult``
(``search.shaping`` chose its bins) and the page's ``UrlState``.

Each bar with hits links to the search narrowed to its dates; empty bins are drawn but
are neither links nor Tab stops. Labels are spaced for the largest font the CSS gives
them (on phones), so they never overlap or leave the chart.
"""

import calendar
import math

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.request import UrlState
from search.types import HistogramBucket, SearchResult

register = template.Library()

WIDTH, HEIGHT, LABEL_HEIGHT, TOP_MARGIN = 600, 110, 50, 24
MAX_BAR_WIDTH = 64
CHAR_WIDTH, LABEL_GAP = 14, 8  # chart units a character may take at the phone font size (20)
SHOW_COUNTS_UP_TO = 24  # bars; with more, a bar's count shows on hover and focus
BIN_NAMES = {"day": "day", "week": "week", "month": "month", "year": "year"}
# A bar as the template wrote it (the same bytes), written here: a chart has up to 60
# bars of 15 values each, three quarters of the chart's cost when the template wrote them.
BAR = (
    '<a href="{url}" class="bin bar-link" data-from="{from}" data-to="{to}" '
    'data-count="{count}" aria-label="{period}: {count} article{s}">\n'
    '      <rect class="slot" x="{slot_x}" y="0" width="{slot}" height="{baseline}"/>\n'
    '      <rect class="bar" x="{x}" y="{y}" width="{width}" height="{height}">'
    "<title>{period}: {count}</title></rect>\n"
    '      <text class="count" x="{mid}" y="{count_y}" text-anchor="middle">{count}</text>\n'
    "    </a>"
)
EMPTY_BAR = (
    '<g class="bin empty" data-from="{from}" data-to="{to}" data-count="0">'
    "<title>{period}: none</title>"
    '<rect class="slot" x="{slot_x}" y="0" width="{slot}" height="{baseline}"/></g>'
)


def _names(bucket: HistogramBucket, bin_name: str) -> tuple[str, str, str]:
    """(tick label, group label, full name) of a bucket: ("2", "Mar 1987", "2 March 1987")."""
    start = bucket.date_from
    month = calendar.month_abbr[start.month]
    if bin_name == "year":
        return str(start.year), "", str(start.year)
    if bin_name == "month":
        return month, str(start.year), f"{calendar.month_name[start.month]} {start.year}"
    full = f"{start.day} {calendar.month_name[start.month]} {start.year}"
    if bin_name == "week":
        full = f"Week of {full}"
    return str(start.day), f"{month} {start.year}", full


def _fit(text: str, middle: float) -> float:
    """The middle of a label moved inside the chart."""
    half = len(text) * CHAR_WIDTH / 2
    return round(min(max(middle, half), WIDTH - half), 1)


def _bars(result: SearchResult, state: UrlState, path: str) -> tuple[list, list, list]:
    buckets = result.histogram
    top = max(b.count for b in buckets) or 1
    slot = WIDTH / len(buckets)
    width = min(slot * 0.8, MAX_BAR_WIDTH)
    widest = max(len(_names(b, result.histogram_bin)[0]) for b in buckets)
    every = max(1, math.ceil((widest * CHAR_WIDTH + LABEL_GAP) / slot))
    bars, ticks, groups, group_end = [], [], [], -math.inf
    for i, bucket in enumerate(buckets):
        tick, group, full = _names(bucket, result.histogram_bin)
        middle = i * slot + slot / 2
        height = max(round((HEIGHT - TOP_MARGIN) * bucket.count / top, 1), 1)
        bars.append(
            {
                "x": round(i * slot + (slot - width) / 2, 1),
                "slot_x": round(i * slot, 1),
                "slot": round(slot, 1),
                "mid": round(middle, 1),
                "y": round(HEIGHT - height, 1),
                "width": round(width, 1),
                "height": height if bucket.count else 0,
                "count": bucket.count,
                "count_y": round(HEIGHT - height - 4, 1),
                "period": full,
                "from": bucket.date_from.isoformat(),
                "to": bucket.date_to.isoformat(),
                "url": _narrowed(state, path, bucket) if bucket.count else "",
            }
        )
        if i % every == 0:
            ticks.append({"x": _fit(tick, middle), "text": tick})
        starts_group = i == 0 or group != _names(buckets[i - 1], result.histogram_bin)[1]
        x, half = _fit(group, middle), len(group) * CHAR_WIDTH / 2
        if group and starts_group and x - half > group_end:
            groups.append({"x": x, "text": group})
            group_end = x + half + LABEL_GAP
    return bars, ticks, groups


def _narrowed(state: UrlState, path: str, bucket: HistogramBucket) -> str:
    """The search within the bucket's dates, its bins chosen afresh (finer, most often)."""
    dates = {"from_": bucket.date_from.isoformat(), "to": bucket.date_to.isoformat()}
    return state.with_values(**dates, bin=None).url(path)


def _outside(result: SearchResult, state: UrlState, path: str) -> list[dict]:
    """Links to the hits left off the axis: "+1 in 2024", "+3 from 1950 to 1961"."""
    notes = []
    for bucket in result.histogram_outside:
        start, end = bucket.date_from.year, bucket.date_to.year
        when = f"in {start}" if start == end else f"from {start} to {end}"
        after = bucket.date_from > result.histogram[-1].date_to
        text = f"+{bucket.count} {when}"
        notes.append({"text": text, "after": after, "url": _narrowed(state, path, bucket)})
    return notes


@register.simple_tag
def histogram_bars(chart: dict) -> SafeString:
    """The chart's bars: a link for each with hits, an empty slot for each without."""
    written = []
    for bar in chart["bars"]:
        values = bar | {"url": escape(bar["url"]), "period": escape(bar["period"])}
        values |= {"s": "" if bar["count"] == 1 else "s", "baseline": chart["baseline"]}
        written.append((BAR if bar["url"] else EMPTY_BAR).format_map(values))
    return mark_safe("".join(written))  # numbers, ISO dates and the escaped url and period


@register.simple_tag
def histogram(result: SearchResult, state: UrlState, path: str) -> dict | None:
    """Bars, labels, the bins one may switch to and the hits off the axis, with their URLs."""
    if not result.histogram or result.total == 0:
        return None
    bars, ticks, groups = _bars(result, state, path)
    bins = [
        {
            "name": BIN_NAMES[name],
            "url": state.with_value("bin", name).url(path),
            "current": name == result.histogram_bin,
        }
        for name in result.histogram_bins
    ]
    return {
        "bars": bars,
        "ticks": ticks,
        "groups": groups,
        "show_counts": len(bars) <= SHOW_COUNTS_UP_TO,
        "bin": result.histogram_bin,
        "bins": bins if len(bins) > 1 else [],
        "outside": _outside(result, state, path),
        "range_url": state.with_values(from_=None, to=None, bin=None).url(path),
        "width": WIDTH,
        "height": HEIGHT + LABEL_HEIGHT,
        "baseline": HEIGHT,
        "tick_y": HEIGHT + 20,
        "group_y": HEIGHT + 44,
    }
