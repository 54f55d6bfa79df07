"""The search parameters: their names on pages and in the API, their rules and messages.

One table (``PARAMS``) says, for each field of a ``SearchRequest``, what a page's URL and
the REST API call it and how one value is read (``Rule.read``, from text) and checked
(``Rule.check``, once typed). ``search.request`` reads with it, leniently or strictly, and
the query service checks every request with it; the API documents itself from it.
"""

import re
from dataclasses import dataclass

from django.utils.dateparse import parse_date

from archive.models import Tag
from search.types import (
    BINS,
    COLLAPSES,
    FACETS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MODES,
    OUTLET_CREDITS,
    SORTS,
    TAG_KINDS,
)


class Problem(ValueError):
    """A value its parameter cannot take; the text says why, for a person."""


class Rule:
    """How one value of a parameter is read from text, and checked once typed."""

    schema: dict = {"type": "string"}  # the value's OpenAPI schema

    def read(self, text: str):
        value = self.convert(text)
        self.check(value)
        return value

    def convert(self, text: str):
        return text

    def check(self, value) -> None:
        """Raise ``Problem`` when a typed value is not allowed (nothing to check here)."""


class Pattern(Rule):
    """Text of a fixed form."""

    def __init__(self, pattern: str, what: str, *, schema: dict | None = None):
        self.regex = re.compile(pattern)
        self.what = what  # "is not <what>"
        self.schema = schema or {"type": "string", "pattern": f"^{pattern}$"}

    def convert(self, text: str):
        if not self.regex.fullmatch(text):
            raise Problem(f"{text!r} is not {self.what}.")
        return text


class Year(Pattern):
    def convert(self, text: str) -> int:
        return int(super().convert(text))


class Month(Pattern):
    def check(self, value) -> None:
        self.convert(str(value))


class TagRef(Pattern):
    """``kind:slug`` or a bare slug (a tag of any kind)."""

    def check(self, value) -> None:
        kind, _, _ = str(value).rpartition(":")
        if kind and kind not in Tag.Kind.values:
            kinds = ", ".join(Tag.Kind.values)
            raise Problem(f"unknown tag kind {kind!r} in {value!r}; use one of {kinds}.")


class Day(Rule):
    schema = {"type": "string", "format": "date"}

    def convert(self, text: str):
        try:
            day = parse_date(text)
        except ValueError:
            day = None  # well formed, but no such day (2018-02-30)
        if day is None:
            raise Problem(f"{text!r} is not a date; write it as YYYY-MM-DD.")
        return day


class Choice(Rule):
    def __init__(self, choices: tuple[str, ...]):
        self.choices = choices
        self.schema = {"type": "string", "enum": list(choices)}

    def check(self, value) -> None:
        if value not in self.choices:
            raise Problem(f"unknown value {value!r}; use one of {', '.join(self.choices)}.")


class Number(Rule):
    """A whole number from ``low`` to ``high`` (no upper bound: None)."""

    def __init__(self, low: int, high: int | None = None):
        self.low, self.high = low, high
        self.schema = {"type": "integer", "minimum": low}
        if high is not None:
            self.schema["maximum"] = high

    def convert(self, text: str) -> int:
        if not re.fullmatch(r"[-+]?\d{1,20}", text):
            raise Problem(f"{text!r} is not a whole number.")
        return int(text)

    def check(self, value) -> None:
        if self.high is not None and not self.low <= value <= self.high:
            raise Problem(f"{value} is out of range; use {self.low} to {self.high}.")
        if value < self.low:
            raise Problem(f"{value} is too small; use at least {self.low}.")


class Flag(Rule):
    schema = {"type": "boolean"}
    WORDS = {"true": True, "1": True, "yes": True, "on": True}
    WORDS |= {"false": False, "0": False, "no": False, "off": False}

    def convert(self, text: str) -> bool:
        if text.lower() not in self.WORDS:
            raise Problem(f"{text!r} is neither true nor false.")
        return self.WORDS[text.lower()]


SLUG = Pattern(r"[-\w]{1,200}", "a slug (letters, digits and hyphens)")


@dataclass(frozen=True)
class Param:
    """One search parameter: the request field it fills and what pages and the API call it."""

    field: str  # of SearchRequest
    page: str | None  # name in a page's URL; None: pages do not take it
    api: str  # name in the REST API
    rule: Rule
    many: bool = False  # repeatable: several values of one filter combine with OR
    label: str = ""  # how a page's notice names it
    help: str = ""  # the API documentation's description
    commas: bool = False  # values may also be comma-separated (the API's facets)


# In the order a page writes them back into its URLs.
PARAMS = (
    Param("q", "q", "q", Rule(), label="query", help="The query (see the README's syntax)."),
    Param(
        "mode",
        "mode",
        "mode",
        Choice(MODES),
        label="search mode",
        help=(
            "How the words find articles: `keyword` (default) every article with the words; "
            "`semantic` the articles nearest in meaning to the query (its embedding); "
            "`hybrid` the best keyword matches and the nearest in meaning, ranked by "
            "reciprocal rank fusion. `semantic` and `hybrid` need the semantic layer "
            "(SEARCH_SEMANTIC; 400 when it is off) and search only the best candidates of "
            "each kind: `count`, the facets and the histogram then count those candidates "
            "that pass the filters (the set the pages show), not every article with the "
            "words. Quotes, fields (`title:`), `-word`, `*`, `~` and operators keep a query "
            "keyword-strict: it is searched by keywords whatever the mode (a notice says so)."
        ),
    ),
    Param("outlets", "outlet", "outlet", SLUG, many=True, label="outlet", help="Outlet slug."),
    Param(
        "tags",
        "tag",
        "tag",
        TagRef(r"(?:[a-z]+:)?[-\w]{1,200}", "a tag (kind:slug or a slug)"),
        many=True,
        label="tag",
        help="`kind:slug` (`person:kim-jong-un`) or a bare slug of any kind.",
    ),
    Param("authors", "author", "author", SLUG, many=True, label="author", help="Author slug."),
    Param(
        "languages",
        "language",
        "language",
        Pattern(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?", "a language code (en, pt-BR)"),
        many=True,
        label="language",
        help="Language code.",
    ),
    Param(
        "years",
        "year",
        "year",
        Year(
            r"[1-9]\d{3}",
            "a year; write it as YYYY",
            schema={"type": "integer", "minimum": 1000, "maximum": 9999},
        ),
        many=True,
        label="year",
        help="Publication year (YYYY).",
    ),
    Param(
        "months",
        "month",
        "month",
        Month(r"[1-9]\d{3}-(?:0[1-9]|1[0-2])", "a month; write it as YYYY-MM"),
        many=True,
        label="month",
        help="Publication month (YYYY-MM).",
    ),
    Param("date_from", "from", "date_from", Day(), label="start date", help="On or after."),
    Param("date_to", "to", "date_to", Day(), label="end date", help="On or before."),
    Param(
        "sort",
        "sort",
        "sort",
        Choice(SORTS),
        label="sort",
        help="Default: relevance with a query, newest without.",
    ),
    Param(
        "collapse",
        "collapse",
        "collapse",
        Choice(COLLAPSES),
        label="folding",
        help=(
            "What one hit stands for: `copies` (default) one per copy group, the copy that "
            "ranks first under the sort, its other matching copies in `copies`; `none` every "
            "article; `stories` one per story (articles without one stand alone). `count`, "
            "the pages, the facets and the histogram count the same unit; `count_articles` "
            "counts every matching article."
        ),
    ),
    Param(
        "outlet_credit",
        "outlet_credit",
        "outlet_credit",
        Choice(OUTLET_CREDITS),
        label="outlet credit",
        help=(
            "Whom the outlet facet credits: `all` (default) every outlet that carried a "
            "matching article; `original` (original reporting only) each copy group's "
            "original's outlet, so a copy counts for the outlet that first published it. "
            "The outlet filter is not changed."
        ),
    ),
    Param(
        "page_size",
        "size",
        "page_size",
        Number(1),
        label="page size",
        help=f"Results per page; larger values are capped at {MAX_PAGE_SIZE}.",
    ),
    Param("page", "page", "page", Number(1, MAX_PAGE), label="page", help="Page number."),
    Param(
        "histogram_bin",
        "bin",
        "bin",
        Choice(BINS),
        label="chart's bin",
        help="The histogram's bins; absent: the finest showing the hits in a month's days.",
    ),
    Param(
        "facets",
        None,
        "facets",
        Choice(FACETS),
        many=True,
        commas=True,
        label="facet",
        help="Facets to count (comma-separated or repeated); absent: all, empty: none.",
    ),
    Param("highlight", None, "highlight", Flag(), label="highlight", help="Mark the matches."),
    Param(
        "autocorrect",
        "autocorrect",
        "autocorrect",
        Flag(),
        label="autocorrect",
        help=(
            "When the query finds nothing and a spelling correction does, answer the "
            "correction (`corrected_from` holds the query as sent). Default: false; the "
            "search page corrects unless `autocorrect=off`."
        ),
    ),
    Param(
        "explain",
        None,
        "explain",
        Flag(),
        label="explain",
        help=(
            "Say why each hit matched: the query terms, the article's words and fields that "
            "matched them, and each term's share of the score (the shares add up to 1)."
        ),
    ),
)
PAGE_PARAMS = tuple(p for p in PARAMS if p.page)

# Which parameter takes the values of each facet (a person facet's values are tags).
FACET_PARAM = {facet: "tag" if facet in TAG_KINDS else facet for facet in FACETS}
