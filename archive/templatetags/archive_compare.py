"""The compare page's chart: one line per search over the shared periods, as SVG
geometry for ``archive/_compare_chart.svg`` (the page and the chart download use it).

Lines plot counts or shares of the archive (``measure``); each point carries its
period, count and share in a ``<title>`` (tooltips without JavaScript, and what
``compare.js`` shows on hover and focus).
"""

import math

from django import template

from search.compare import Comparison

register = template.Library()

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
CHAR_WIDTH = 8  # chart units a label character may take
# A dash pattern per search, so that lines are told apart without their colour too.
DASHES = ("", "8 4", "2 4", "10 4 2 4", "4 2")


def _value(panel, i: int, measure: str) -> float:
    return panel.series.shares[i] if measure == "share" else panel.series.counts[i]


def _label(value: float, measure: str) -> str:
    if measure == "share":
        return f"{value * 100:.1f}%" if value < 0.1 else f"{value * 100:.0f}%"
    return f"{value:,.0f}"


@register.simple_tag
def compare_chart(comparison: Comparison, measure: str = "count") -> dict | None:
    periods = comparison.axis.periods
    if not periods or not comparison.panels:
        return None
    top = max(_value(p, i, measure) for p in comparison.panels for i in range(len(periods)))
    top = top or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(periods) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + (i * step if len(periods) > 1 else plot_w / 2), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - plot_h * value / top, 1)

    lines = []
    for number, panel in enumerate(comparison.panels):
        points = []
        for i, period in enumerate(periods):
            value = _value(panel, i, measure)
            count, share = panel.series.counts[i], panel.series.shares[i]
            points.append(
                {
                    "x": x(i),
                    "y": y(value),
                    "title": f"{panel.search.label}, {period.period}: {count:,} "
                    f"({share * 100:.2f}% of {period.archive:,} articles)",
                }
            )
        lines.append(
            {
                "label": panel.search.label,
                "color": panel.search.color,
                "dash": DASHES[number % len(DASHES)],
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    every = max(1, math.ceil(len(periods[0].period) * CHAR_WIDTH * 1.4 / max(step, 1)))
    ticks = [{"x": x(i), "text": p.period} for i, p in enumerate(periods) if i % every == 0]
    levels = [{"y": y(top * f), "text": _label(top * f, measure)} for f in (0, 0.5, 1)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_h,
        "tick_y": TOP + plot_h + 20,
        "lines": lines,
        "ticks": ticks,
        "levels": levels,
        "measure": measure,
        "single": len(periods) == 1,
    }
