"""The browser's search state: URL parameters in, a ``SearchRequest`` out, and back to URLs.

Every state of the search page lives in the query string, so a page can be bookmarked,
shared and reached again with the back button. Unknown parameters are dropped; a value
that cannot be understood is ignored and reported to the person as a notice, never a 500.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from search.types import FACETS, MAX_PAGE_SIZE, SORTS, SearchRequest

# The URL parameters, in the order they are written back into URLs.
PARAMS = ("q", "outlet", "tag", "author", "language", "year", "month", "from", "to")
PARAMS += ("sort", "size", "page")
MULTI = ("outlet", "tag", "author", "language", "year", "month")
DEFAULT_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 500

# Which URL parameter carries the values of each facet.
FACET_PARAM = {
    "outlet": "outlet",
    "year": "year",
    "month": "month",
    "topic": "tag",
    "person": "tag",
    "place": "tag",
    "organization": "tag",
    "author": "author",
    "language": "language",
}
assert set(FACET_PARAM) == set(FACETS)

_SLUG = re.compile(r"^[-\w]{1,200}$")
_TAG = re.compile(r"^(?:[a-z]+:)?[-\w]{1,200}$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class UrlState:
    """The query string of a search page as ordered (name, value) pairs."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_query(cls, query: Mapping) -> "UrlState":
        """Known parameters only, blanks and repeats dropped, in a stable order."""
        pairs = []
        for name in PARAMS:
            values = query.getlist(name) if hasattr(query, "getlist") else _as_list(query.get(name))
            seen = set()
            for value in values:
                value = str(value).strip()
                if value and value not in seen:
                    seen.add(value)
                    pairs.append((name, value))
                if name not in MULTI:
                    break
        return cls(tuple(pairs))

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.pairs if k == name), default)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def without(self, name: str, value: str | None = None) -> "UrlState":
        """Drop a parameter (or one of its values); any change of filter starts at page 1."""
        return UrlState(
            tuple(
                (k, v)
                for k, v in self.pairs
                if k != "page" and not (k == name and (value is None or v == value))
            )
        )

    def with_value(self, name: str, value: str | None) -> "UrlState":
        """Replace every value of ``name`` by ``value`` (None removes it); back to page 1."""
        pairs = [(k, v) for k, v in self.pairs if k != name and (k != "page" or name == "page")]
        if value not in (None, ""):
            pairs.append((name, str(value)))
        return UrlState(tuple(sorted(pairs, key=lambda kv: PARAMS.index(kv[0]))))

    def adding(self, name: str, value: str) -> "UrlState":
        """One more value of a parameter (a no-op when it is there already)."""
        if (name, value) in self.pairs:
            return self
        pairs = [*self.without("page").pairs, (name, value)]
        return UrlState(tuple(sorted(pairs, key=lambda kv: PARAMS.index(kv[0]))))

    def only(self, *names: str) -> "UrlState":
        return UrlState(tuple((k, v) for k, v in self.pairs if k in names))

    def with_values(self, **values: str | None) -> "UrlState":
        state = self
        for name, value in values.items():
            state = state.with_value(name.rstrip("_"), value)
        return state

    def query(self) -> str:
        return urlencode(self.pairs)

    def url(self, path: str = "") -> str:
        query = self.query()
        return f"{path}?{query}" if query else (path or "?")


@dataclass(frozen=True)
class Preset:
    """A filter fixed by the page's path (an outlet, tag or author page)."""

    param: str  # "outlet", "tag" or "author"
    value: str
    label: str
    kind: str  # "Outlet", "Person", ... for the heading


@dataclass(frozen=True)
class ParsedSearch:
    request: SearchRequest
    notices: list[str] = field(default_factory=list)
    explicit_sort: bool = False


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _parse_date(value: str, label: str, notices: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        notices.append(f"The {label} date “{value}” was ignored: write it as YYYY-MM-DD.")
        return None


def _parse_int(value: str, label: str, default: int, low: int, high: int, notices) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        notices.append(f"The {label} “{value}” was ignored: it should be a number.")
        return default
    if not low <= number <= high:
        notices.append(f"The {label} {number} was out of range, so {default} was used.")
        return default
    return number


def _valid(values: Iterable[str], pattern: re.Pattern, label: str, notices) -> tuple:
    good = tuple(v for v in values if pattern.match(v))
    bad = [v for v in values if not pattern.match(v)]
    if bad:
        notices.append(f"Ignored {label}: {', '.join(bad[:3])}.")
    return good


def _months(values: list[str], notices: list[str]) -> tuple[str, ...]:
    good = []
    for value in values:
        match = _MONTH.match(value)
        if match and 1 <= int(match.group(2)) <= 12:
            good.append(value)
        else:
            notices.append(f"The month “{value}” was ignored: write it as YYYY-MM.")
    return tuple(good)


def search_request_from_params(
    query: Mapping, *, preset: Preset | None = None, page_size: int = DEFAULT_PAGE_SIZE
) -> ParsedSearch:
    """Translate a page's GET parameters (plus a preset filter) into a ``SearchRequest``.

    Without a query the newest articles come first; with one, the most relevant.
    """
    state = UrlState.from_query(query)
    notices: list[str] = []
    q = state.get("q")
    if len(q) > MAX_QUERY_LENGTH:
        notices.append(f"The query was cut to its first {MAX_QUERY_LENGTH} characters.")
        q = q[:MAX_QUERY_LENGTH]
    sort = state.get("sort")
    if sort and sort not in SORTS:
        notices.append(f"The sort “{sort}” is unknown; use one of {', '.join(SORTS)}.")
        sort = ""
    date_from = _parse_date(state.get("from"), "start", notices)
    date_to = _parse_date(state.get("to"), "end", notices)
    if date_from and date_to and date_from > date_to:
        notices.append("The start date was after the end date, so they were swapped.")
        date_from, date_to = date_to, date_from
    filters = {
        "outlets": _valid(state.getlist("outlet"), _SLUG, "outlets", notices),
        "tags": _valid(state.getlist("tag"), _TAG, "tags", notices),
        "authors": _valid(state.getlist("author"), _SLUG, "authors", notices),
        "languages": _valid(state.getlist("language"), _LANGUAGE, "languages", notices),
        "years": tuple(int(y) for y in _valid(state.getlist("year"), _YEAR, "years", notices)),
        "months": _months(state.getlist("month"), notices),
    }
    if preset:
        field_name = {"outlet": "outlets", "tag": "tags", "author": "authors"}[preset.param]
        if preset.value not in filters[field_name]:
            filters[field_name] = (preset.value, *filters[field_name])
    request = SearchRequest(
        q=q,
        sort=sort or ("relevance" if q else "newest"),
        page=_parse_int(state.get("page"), "page", 1, 1, 10_000, notices),
        page_size=_parse_int(state.get("size"), "page size", page_size, 1, MAX_PAGE_SIZE, notices),
        date_from=date_from,
        date_to=date_to,
        **filters,
    )
    return ParsedSearch(request=request, notices=notices, explicit_sort=bool(sort))


def feed_request(parsed: ParsedSearch, *, limit: int = 20) -> SearchRequest:
    """The same search for a feed reader: newest first, one page, no facets."""
    return replace(
        parsed.request, sort="newest", page=1, page_size=limit, facets=(), highlight=False
    )
