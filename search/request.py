"""Search parameters read once, by one set of rules: leniently for pages, strictly for the API.

``page_search`` reads a page's query string (``/``, the outlet, tag and author pages, the
feed): a value that cannot be understood is ignored and a notice says so. ``api_search``
reads ``/api/search/``: such a value raises ``InvalidParams`` (400), naming the parameter.
Both read with ``search.params``, and the query service checks every request it is given
with the same rules (``validate_request``). What is cut to keep a search bounded (a query
longer than the query language reads, a page size over the limit) is searched anyway
and said, in both modes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from search.params import PAGE_PARAMS, PARAMS, Param, Problem
from search.query import MAX_QUERY_CHARS, printable
from search.semantic import semantic_enabled
from search.types import MAX_PAGE_SIZE, InvalidParams, SearchRequest

# Notices a page shows for one parameter before it counts the rest.
NOTICES_PER_PARAM = 3
_PAGE_NAMES = tuple(p.page for p in PAGE_PARAMS)
_PAGE_MULTI = {p.page for p in PAGE_PARAMS if p.many}
SCOPES = ("outlet", "author", "tag")  # what a page may be about (``SearchRequest.scope``)
_TEXT_FIELDS = ("q", "outlets", "tags", "authors", "languages", "months")
SEMANTIC_OFF = "meaning-based search is off here (SEARCH_SEMANTIC); use mode=keyword."


def given(query: Mapping, name: str, *, commas: bool = False) -> list[str] | None:
    """The distinct non-blank values of ``name``, stripped; None when it is absent."""
    if name not in query:
        return None
    raw = query.getlist(name) if hasattr(query, "getlist") else query[name]
    raw = [raw] if isinstance(raw, str) else list(raw)
    parts = [part for item in raw for part in (str(item).split(",") if commas else [str(item)])]
    return list(dict.fromkeys(part.strip() for part in parts if part.strip()))


@dataclass(frozen=True)
class UrlState:
    """A page's query string: its known parameters as ordered (name, value) pairs."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_query(cls, query: Mapping) -> "UrlState":
        """Known parameters only, blanks and repeats dropped, in a stable order."""
        pairs = []
        for name in _PAGE_NAMES:
            values = given(query, name) or []
            pairs += [(name, value) for value in values[: None if name in _PAGE_MULTI else 1]]
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
        return UrlState(_ordered(pairs))

    def adding(self, name: str, value: str) -> "UrlState":
        """One more value of a parameter (a no-op when it is there already)."""
        if (name, value) in self.pairs:
            return self
        return UrlState(_ordered([*self.without("page").pairs, (name, value)]))

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


def _ordered(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs, key=lambda pair: _PAGE_NAMES.index(pair[0])))


@dataclass(frozen=True)
class ParsedSearch:
    """A search read from parameters, with what was ignored or adjusted, for a person."""

    request: SearchRequest
    notices: tuple[str, ...] = ()
    explicit_sort: bool = False  # the sort was asked for, not the default
    state: UrlState = UrlState()  # a page's parameters as given, for its links


class _Reading:
    """Reads each parameter's values by its rule, strictly (errors) or leniently (notices)."""

    def __init__(self, *, strict: bool):
        self.strict = strict
        self.errors: dict[str, list[str]] = {}
        self.notices: list[str] = []
        self.fields: dict[str, object] = {}

    def read(self, param: Param, texts: list[str] | None) -> None:
        if texts is None:
            return
        values, problems = [], []
        for text in texts if param.many else texts[:1]:
            try:
                values.append(param.rule.read(text))
            except Problem as problem:
                problems.append(str(problem))
        self.refuse(param, problems)
        if param.many:
            self.fields[param.field] = tuple(values)
        elif values:
            self.fields[param.field] = values[0]

    def refuse(self, param: Param, problems: list[str]) -> None:
        if self.strict and problems:
            self.errors.setdefault(param.api, []).extend(problems)
            return
        shown = problems[:NOTICES_PER_PARAM]
        self.notices += [f"The {param.label} was ignored: {text}" for text in shown]
        if len(problems) > len(shown):
            more = len(problems) - len(shown)
            self.notices.append(f"{more} more {param.label} values were ignored.")

    def bound(self) -> None:
        """Cut a query or a page size over its limit, saying so; put the dates in order
        (or, strictly, refuse them)."""
        q, size = self.fields.get("q", ""), self.fields.get("page_size")
        if len(q) > MAX_QUERY_CHARS:
            self.fields["q"] = q[:MAX_QUERY_CHARS]
            cut = f"longer than {MAX_QUERY_CHARS} characters: only the first {MAX_QUERY_CHARS}"
            self.say("q", f"{cut} were searched.", f"The query is {cut} were searched.")
        if size is not None and size > MAX_PAGE_SIZE:
            self.fields["page_size"] = MAX_PAGE_SIZE
            more = f"{size} is more than {MAX_PAGE_SIZE}: {MAX_PAGE_SIZE} results are shown."
            self.say("page_size", more, f"The page size {more}")
        self.meaning()
        start, end = self.fields.get("date_from"), self.fields.get("date_to")
        if not (start and end and start > end):
            return
        if self.strict:
            problem = _order_problem(start, end, _by_field("date_from").api)
            self.errors.setdefault(_by_field("date_to").api, []).append(problem)
        else:
            self.fields["date_from"], self.fields["date_to"] = end, start
            self.notices.append("The start date was after the end date, so they were swapped.")

    def meaning(self) -> None:
        """A semantic or hybrid mode needs the semantic layer: refused strictly; a page
        searches by keywords and says so."""
        if self.fields.get("mode", "keyword") == "keyword" or semantic_enabled():
            return
        if self.strict:
            self.errors.setdefault(_by_field("mode").api, []).append(SEMANTIC_OFF)
        else:
            del self.fields["mode"]
            self.notices.append("Meaning-based search is off here: the words were searched.")

    def scope(self, name: str, value: str) -> None:
        """Fix the page's own filter: ANDed with the others, never replaced by them. An
        article has one outlet, so on an outlet's page another outlet is ignored, and said."""
        param = next(p for p in PAGE_PARAMS if p.page == name)
        values = tuple(v for v in self.fields.get(param.field, ()) if v != value)
        if name == "outlet" and values:
            shown = ", ".join(values)
            self.notices.append(
                f"This page lists only its own outlet's articles: the outlet filter {shown} "
                "was ignored. Search the whole archive to see the others."
            )
            values = ()
        self.fields[param.field] = values
        self.fields["scope"] = (name, value)

    def say(self, field: str, strict: str, lenient: str) -> None:
        """A notice of what was adjusted: named for the API, in a sentence for a page."""
        self.notices.append(f"{_by_field(field).api}: {strict}" if self.strict else lenient)

    def request(self) -> SearchRequest:
        if self.errors:
            raise InvalidParams(self.errors)
        q = self.fields.get("q", "")
        self.fields.setdefault("sort", "relevance" if q else "newest")
        return SearchRequest(**self.fields)


def _by_field(name: str) -> Param:
    return next(p for p in PARAMS if p.field == name)


def _order_problem(start, end, start_name: str) -> str:
    return f"{end} is before {start_name} {start}."


def page_search(query: Mapping, *, fixed: tuple[str, str] | None = None) -> ParsedSearch:
    """A page's search from its GET parameters (plus a filter ``fixed`` by the page's path).

    Never raises: a value that cannot be understood is ignored and a notice says so.
    Without a query the newest articles come first; with one, the most relevant.
    """
    state = UrlState.from_query(query)
    reading = _Reading(strict=False)
    for param in PAGE_PARAMS:
        reading.read(param, state.getlist(param.page) or None)
    if fixed:
        reading.scope(*fixed)
    explicit_sort = "sort" in reading.fields
    reading.fields.setdefault("autocorrect", True)  # a person is shown what they meant
    reading.bound()
    return ParsedSearch(reading.request(), tuple(reading.notices), explicit_sort, state)


def api_problems(name: str, texts: list[str]) -> list[str]:
    """What the API's strict reading says of these values of the search parameter it
    names ``name`` (none when they are good): for endpoints that filter as a search does."""
    reading = _Reading(strict=True)
    reading.read(next(param for param in PARAMS if param.api == name), texts)
    return reading.errors.get(name, [])


def api_search(query: Mapping) -> ParsedSearch:
    """The API's search from its GET parameters; raises ``InvalidParams`` naming each bad one.

    ``notices`` says what was cut to keep the search bounded.
    """
    reading = _Reading(strict=True)
    for param in PARAMS:
        reading.read(param, given(query, param.api, commas=param.commas))
    explicit_sort = "sort" in reading.fields
    reading.bound()
    return ParsedSearch(reading.request(), tuple(reading.notices), explicit_sort)


def validate_request(request: SearchRequest) -> SearchRequest:
    """The request as the service answers it: control characters in its text read as
    spaces, its page size capped. Raises ``InvalidParams`` (named by field) when it cannot
    be answered as asked: by the same rules as the parameters it may have come from."""
    request = replace(
        request, **{name: _printable(getattr(request, name)) for name in _TEXT_FIELDS}
    )
    errors: dict[str, list[str]] = {}
    for param in PARAMS:
        value = getattr(request, param.field)
        for item in value if param.many else (value,):
            try:
                if item is not None:
                    param.rule.check(item)
            except Problem as problem:
                errors.setdefault(param.field, []).append(str(problem))
    if request.scope and request.scope[0] not in SCOPES:
        errors["scope"] = [f"unknown scope {request.scope[0]!r}; use one of {', '.join(SCOPES)}."]
    if request.mode != "keyword" and not semantic_enabled():
        errors["mode"] = [SEMANTIC_OFF]
    if request.date_from and request.date_to and request.date_from > request.date_to:
        errors["date_to"] = [_order_problem(request.date_from, request.date_to, "date_from")]
    if errors:
        raise InvalidParams(errors)
    return replace(request, page_size=min(request.page_size, MAX_PAGE_SIZE))


def _printable(value):
    if isinstance(value, tuple):
        return tuple(printable(str(v)) for v in value)
    return printable(value or "")


def strict_page_search(query: Mapping, names: tuple[str, ...]) -> SearchRequest:
    """A search from a page's parameters named ``names`` (page names: ``from``, ``to``),
    read strictly: ``InvalidParams`` keyed by those page names (the compare page)."""
    reading = _Reading(strict=True)
    params = [p for p in PAGE_PARAMS if p.page in names]
    for param in params:
        reading.read(param, given(query, param.page))
    reading.bound()
    try:
        return reading.request()
    except InvalidParams as error:
        page_name = {p.api: p.page for p in params}
        raise InvalidParams({page_name.get(k, k): v for k, v in error.errors.items()}) from None
