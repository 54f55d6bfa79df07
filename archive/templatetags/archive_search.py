"""Pieces of the search page built from a ``SearchResult`` and the page's ``UrlState``:
facet groups, active-filter chips and the pagination, each with its URLs (the histogram:
``archive_chart``)."""

import datetime as dt
from dataclasses import dataclass, field

from django import template
from django.utils.html import format_html
from django.utils.text import slugify

from archive.labels import day_label, kind_label
from archive.views import Preset
from search.params import FACET_PARAM
from search.request import UrlState
from search.types import SearchRequest, SearchResult

register = template.Library()

FACET_GROUPS = (
    ("outlet", "Outlets"),
    ("year", "Years"),
    ("month", "Months"),
    ("person", kind_label("person", plural=True)),
    ("place", kind_label("place", plural=True)),
    ("organization", kind_label("organization", plural=True)),
    ("topic", kind_label("topic", plural=True)),
    ("author", "Authors"),
    ("language", "Languages"),
)
PARAM_TITLES = {"outlet": "Outlet", "author": "Author", "language": "Language", "year": "Year"}
PARAM_TITLES |= {"month": "Month"}
DATE_TITLES = {"from": "From", "to": "Until"}
VISIBLE_VALUES = 6


@dataclass
class Choice:
    value: str
    label: str
    count: int
    selected: bool
    locked: bool = False  # fixed by the page (an outlet page's own outlet)


@dataclass
class Group:
    key: str
    title: str
    param: str
    shown: list[Choice] = field(default_factory=list)
    more: list[Choice] = field(default_factory=list)

    @property
    def selected_count(self) -> int:
        return sum(c.selected for c in self.shown + self.more)


def _choices(result: SearchResult, key: str, state: UrlState, preset: Preset | None):
    param = FACET_PARAM[key]
    chosen = set(state.getlist(param))
    values = result.facets.get(key, [])
    if key in ("year", "month"):
        values = sorted(values, key=lambda v: v.value, reverse=True)
    if key == "month":
        years = set(state.getlist("year")) | {m[:4] for m in state.getlist("month")}
        values = [v for v in values if v.value[:4] in years]
    out = []
    for v in values:
        locked = bool(preset and preset.param == param and preset.value == v.value)
        out.append(
            Choice(v.value, v.label, v.count, v.selected or v.value in chosen or locked, locked)
        )
    return out


# A page shows dozens of facet values: written here, one tag each, rather than by an
# included template (ten variables each: a fifth of the search page's rendering); the
# line break ends it as it ended the template.
CHOICE = (
    '<li class="choice"><input type="checkbox" id="f-{key}-{slug}" name="{param}" '
    'value="{value}"{checked}{locked} data-autosubmit><label for="f-{key}-{slug}">'
    '<span class="label">{label}</span> <span class="count">{count}</span></label></li>\n'
)


@register.simple_tag
def facet_choice(group: Group, choice: Choice) -> str:
    """One facet value's checkbox: ``{% facet_choice group choice %}``."""
    return format_html(
        CHOICE,
        key=group.key,
        slug=slugify(choice.value),
        param=group.param,
        value=choice.value,
        checked=" checked" if choice.selected else "",
        locked=" disabled" if choice.locked else "",
        label=choice.label,
        count=choice.count,
    )


@register.simple_tag
def facet_groups(result: SearchResult, state: UrlState, preset: Preset | None = None) -> list:
    """The sidebar's groups; selected values always show, the rest after the first few."""
    groups = []
    for key, title in FACET_GROUPS:
        choices = _choices(result, key, state, preset)
        if not choices or (key == "language" and len(choices) < 2 and not choices[0].selected):
            continue
        selected = [c for c in choices if c.selected]
        others = [c for c in choices if not c.selected]
        room = max(0, VISIBLE_VALUES - len(selected))
        group = Group(key, title, FACET_PARAM[key], selected + others[:room], others[room:])
        groups.append(group)
    return groups


def _labels(result: SearchResult) -> dict[tuple[str, str], str]:
    return {
        (FACET_PARAM[key], v.value): v.label
        for key, values in result.facets.items()
        if key in FACET_PARAM
        for v in values
    }


def _kind_title(param: str, value: str) -> str:
    if param == "tag":
        return kind_label(value.split(":", 1)[0]) if ":" in value else "Tag"
    return PARAM_TITLES.get(param, param.capitalize())


def _applied(search: SearchRequest) -> set[tuple[str, str]]:
    """The (parameter, value) pairs the search really used; ignored values get no chip."""
    applied = {("outlet", v) for v in search.outlets} | {("tag", v) for v in search.tags}
    applied |= {("author", v) for v in search.authors} | {("language", v) for v in search.languages}
    applied |= {("year", str(v)) for v in search.years} | {("month", v) for v in search.months}
    for name, date in (("from", search.date_from), ("to", search.date_to)):
        if date:
            applied.add((name, date.isoformat()))
    return applied


@register.simple_tag
def active_filters(result: SearchResult, search: SearchRequest, state: UrlState, path: str):
    """Removable chips, one per filter value in the URL that the search applied."""
    labels = _labels(result)
    applied = _applied(search)
    chips = []
    for name, value in state.pairs:
        if (name, value) not in applied:
            continue
        if name in ("from", "to"):
            label, kind = day_label(dt.date.fromisoformat(value)), DATE_TITLES[name]
        else:
            label = labels.get((name, value), value.split(":", 1)[-1])
            kind = _kind_title(name, value)
        chips.append({"kind": kind, "label": label, "url": state.without(name, value).url(path)})
    return chips


@register.simple_tag
def pagination(result: SearchResult, state: UrlState, path: str) -> dict | None:
    """Previous/next and a window of page numbers with gaps (None) between."""
    pages, current = result.pages, result.page
    if pages <= 1:
        return None
    # Past the end, the window is the last pages and nothing links to pages that are not.
    middle = min(current, pages)
    wanted = {1, pages, *range(middle - 2, middle + 3)}
    numbers, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= pages):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number

    def url(number: int) -> str:
        return state.with_value("page", str(number) if number > 1 else None).url(path)

    return {
        "items": [
            {"number": n, "url": url(n), "current": n == current} if n else None for n in numbers
        ],
        "previous": url(current - 1) if 1 < current <= pages else "",
        "next": url(current + 1) if current < pages else "",
    }


@register.simple_tag
def state_url(state: UrlState, path: str, **values) -> str:
    """This page's URL with some parameters replaced (``None`` or "" removes them)."""
    return state.with_values(**values).url(path)
