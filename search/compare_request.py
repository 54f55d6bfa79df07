"""The compare page's state in its URL: ``s1.q=…&s1.tag=…&s1.label=…&s1.color=…&s2.q=…
&bin=month&measure=share``, read strictly (``InvalidParams`` names each bad parameter)
and written back in a stable order for links and forms.

A search is there when one of its parameters other than its colour has a value (a form's
colour field always sends one); searches are renumbered 1, 2, … in the order of their
numbers, so removing one leaves no gap.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from search.compare import MAX_SEARCHES, PALETTE, ComparedSearch
from search.request import given, strict_page_search
from search.types import BINS, InvalidParams, SearchRequest

# A search's own parameters, as the search page names them.
FILTERS = ("q", "outlet", "tag", "author", "language", "year", "month", "from", "to")
OWN = (*FILTERS, "label", "color")
MEASURES = ("count", "share")
MAX_LABEL = 60
_KEY = re.compile(r"s(\d{1,3})\.(\w+)")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Compared:
    """One search of the page: its request, its label and colour, and its URL values."""

    search: ComparedSearch
    values: tuple[tuple[str, str], ...]  # (filter name, value) as given, for links
    number: int = 0  # as the URL numbered it (s3.q: 3), for naming its errors

    def filters(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.values if k != "q"]


@dataclass(frozen=True)
class CompareState:
    searches: tuple[Compared, ...] = ()
    bin: str | None = None
    measure: str = "count"

    def pairs(self, *, skip: int | None = None) -> list[tuple[str, str]]:
        pairs, number = [], 0
        for i, compared in enumerate(self.searches):
            if i == skip:
                continue
            number += 1
            pairs += [(f"s{number}.{k}", v) for k, v in compared.values]
            pairs.append((f"s{number}.label", compared.search.label))
            pairs.append((f"s{number}.color", compared.search.color))
        if self.bin:
            pairs.append(("bin", self.bin))
        if self.measure != "count":
            pairs.append(("measure", self.measure))
        return pairs

    def query(self, **changes) -> str:
        """The query string, with ``bin=``/``measure=`` changed or ``skip=`` a search."""
        skip = changes.pop("skip", None)
        state = CompareState(self.searches, **{"bin": self.bin, "measure": self.measure, **changes})
        return urlencode(state.pairs(skip=skip))

    def url(self, path: str, **changes) -> str:
        return f"{path}?{self.query(**changes)}"


def _grouped(query: Mapping) -> tuple[dict[int, dict[str, list[str]]], dict[str, list[str]]]:
    """{search number: {name: values}} of the ``sN.name`` parameters, and the errors of
    those that are no search's parameter; other parameters are not a search's business."""
    searches: dict[int, dict[str, list[str]]] = {}
    errors: dict[str, list[str]] = {}
    for key in query:
        match = _KEY.fullmatch(key)
        if not match:
            if key.startswith("s") and "." in key:
                errors[key] = ["not a search's parameter; write s1.q, s2.tag, … (1 to 5)."]
            continue
        number, name = int(match[1]), match[2]
        if name not in OWN:
            errors[key] = [f"unknown parameter; a search takes {', '.join(OWN)}."]
        elif values := given(query, key):
            searches.setdefault(number, {})[name] = values
    return searches, errors


def compare_state(query: Mapping) -> CompareState:
    """The page's state; raises ``InvalidParams`` naming each parameter it cannot read."""
    grouped, errors = _grouped(query)
    present = sorted(n for n, values in grouped.items() if set(values) - {"color"})
    if len(present) > MAX_SEARCHES:
        errors["searches"] = [f"{len(present)} searches: at most {MAX_SEARCHES} can be compared."]
    searches = []
    for position, number in enumerate(present[:MAX_SEARCHES]):
        try:
            searches.append(_compared(number, position, grouped[number], errors))
        except InvalidParams as error:
            errors.update({f"s{number}.{k}": v for k, v in error.errors.items()})
    state = CompareState(tuple(searches), _choice(query, "bin", BINS, errors), "count")
    measure = _choice(query, "measure", MEASURES, errors)
    if errors:
        raise InvalidParams(errors)
    return CompareState(state.searches, state.bin, measure or "count")


def _choice(query: Mapping, name: str, choices, errors) -> str | None:
    value = (given(query, name) or [None])[0]
    if value is not None and value not in choices:
        errors[name] = [f"unknown value {value!r}; use one of {', '.join(choices)}."]
        return None
    return value


def _compared(number: int, position: int, values: dict, errors: dict) -> Compared:
    request: SearchRequest = strict_page_search(values, FILTERS)
    color = (values.get("color") or [PALETTE[position % len(PALETTE)]])[0]
    if not _COLOR.fullmatch(color):
        errors[f"s{number}.color"] = [f"{color!r} is not a colour; write it as #rrggbb."]
    label = " ".join((values.get("label") or [""])[0].split())[:MAX_LABEL]
    kept = tuple((k, v) for k in FILTERS for v in values.get(k, ())[: None if k != "q" else 1])
    label = label or _default_label(kept) or f"Search {position + 1}"
    return Compared(ComparedSearch(request, label, color.lower()), kept, number)


def _default_label(values: tuple[tuple[str, str], ...]) -> str:
    """The query, else the filters' values: "coffee", "topic:coffee + 1987"."""
    q = next((v for k, v in values if k == "q"), "")
    return (q or " + ".join(v for _, v in values))[:MAX_LABEL]


def from_search_page(pairs) -> str:
    """The compare page's query string carrying a search page's search as search 1."""
    return urlencode([(f"s1.{k}", v) for k, v in pairs if k in FILTERS])
