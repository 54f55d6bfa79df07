"""The compare page (``/compare/``) and its downloads: each panel as CSV, the chart as SVG.

Thin: the URL's state is read strictly (``search.compare_request``: a bad parameter is
a 400 page naming it), the compare service answers, templates render.
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from archive.views import error_page, search_error_page
from search import compare as compare_service
from search.compare import MAX_SEARCHES, PALETTE
from search.compare_request import CompareState, compare_state
from search.compare_tables import TABLES
from search.csv_text import BOM, csv_lines
from search.types import BINS, InvalidParams, InvalidQuery, SearchUnavailable


class _Refused(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def _answer(request: HttpRequest):
    """(state, comparison or None); raises _Refused with the error page."""
    try:
        state = compare_state(request.GET)
    except InvalidParams as error:
        lines = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items())
        raise _Refused(error_page(request, 400, "This comparison cannot be shown", lines)) from None
    if not state.searches:
        return state, None
    searches = [c.search for c in state.searches]
    try:
        return state, compare_service.compare(searches, state.bin)
    except (InvalidQuery, SearchUnavailable) as exc:
        raise _Refused(search_error_page(request, exc)) from None


def _to_download(request: HttpRequest):
    """(state, comparison) of a download; raises _Refused when there is nothing to download."""
    state, comparison = _answer(request)
    if comparison is None:
        page = error_page(request, 400, "Nothing to download", "Add a search to compare first.")
        raise _Refused(page)
    return state, comparison


def compare_page(request: HttpRequest) -> HttpResponse:
    try:
        state, comparison = _answer(request)
    except _Refused as refused:
        return refused.response
    path = request.path
    links = _links(state, path)
    context = {
        "state": state,
        "comparison": comparison,
        "measure": state.measure,
        "rows": _rows(comparison) if comparison else [],
        "searches": [
            {"compared": c, "remove_url": state.url(path, skip=i)}
            for i, c in enumerate(state.searches)
        ],
        "panels": [
            {"panel": p, "search_url": reverse("web:search") + "?" + urlencode(c.values)}
            for p, c in zip(comparison.panels, state.searches, strict=True)
        ]
        if comparison
        else [],
        "new_number": len(state.searches) + 1,
        "new_color": PALETTE[len(state.searches) % len(PALETTE)],
        "can_add": len(state.searches) < MAX_SEARCHES,
        "max_searches": MAX_SEARCHES,
        **links,
    }
    return render(request, "archive/compare.html", context)


def _links(state: CompareState, path: str) -> dict:
    base = reverse("web:compare")
    query = state.query()
    return {
        "bin_urls": {b: state.url(path, bin=b) for b in BINS},
        "measure_urls": {m: state.url(path, measure=m) for m in ("count", "share")},
        "download": {name: f"{base}{name}.csv?{query}" for name in TABLES},
        "download_bom": {name: f"{base}{name}.csv?{query}&bom=1" for name in TABLES},
        "chart_url": f"{base}chart.svg?{query}",
    }


def _rows(comparison) -> list[dict]:
    """The table behind the chart: one row per period."""
    return [
        {
            "period": period,
            "cells": [
                (p.series.counts[i], f"{p.series.shares[i] * 100:.2f}%") for p in comparison.panels
            ],
        }
        for i, period in enumerate(comparison.axis.periods)
    ]


def download_table(request: HttpRequest, panel: str) -> HttpResponse:
    """A panel as CSV (``bom=1``: with a UTF-8 byte order mark for spreadsheets)."""
    if panel not in TABLES:
        return error_page(request, 404, "No such download", f"Download one of {', '.join(TABLES)}.")
    try:
        _state, comparison = _to_download(request)
    except _Refused as refused:
        return refused.response
    bom = request.GET.get("bom", "")
    if bom not in ("", "0", "1"):
        return error_page(request, 400, "Unknown download option", "bom takes 0 or 1.")
    # Made for spreadsheets: cells that would run as formulas are quoted.
    data = csv_lines(TABLES[panel](comparison), spreadsheet=True)
    response = HttpResponse(
        (BOM if bom == "1" else b"") + data, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="compare-{panel}.csv"'
    return response


def download_chart(request: HttpRequest) -> HttpResponse:
    """The chart as a standalone SVG file."""
    try:
        state, comparison = _to_download(request)
    except _Refused as refused:
        return refused.response
    svg = render_to_string(
        "archive/_compare_chart.svg",
        {"comparison": comparison, "measure": state.measure, "standalone": True},
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="compare-chart.svg"'
    return response
