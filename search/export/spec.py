"""What to export: a full search, a format, a CSV's columns, a byte order mark.

Read strictly from a query string (``/api/export/``: a bad value is a 400 naming it)
with the search's own rules (``search.request.api_search``), and written back as the
canonical query string that asks for the same export again (the manifest keeps it).
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from search.export.columns import COLUMNS, DEFAULT_COLUMNS, unknown_columns
from search.params import PARAMS, Flag, Problem
from search.request import api_search, given
from search.types import InvalidParams, SearchRequest

FORMATS = ("csv", "jsonl")
# The request's fields an export reads: the search; not its page, facets or highlights.
SEARCH_FIELDS = (
    "q",
    "outlets",
    "tags",
    "authors",
    "languages",
    "years",
    "months",
    "date_from",
    "date_to",
    "sort",
    "collapse",
)
FILTER_FIELDS = SEARCH_FIELDS[1:-2]
# Exports, like saved searches and their alerts, match words: what a page found by
# meaning is not a set of articles the archive can list again or watch.
KEYWORDS_ONLY = "an export matches by keywords; leave mode out or use mode=keyword."
_NAMES = {p.field: p.api for p in PARAMS}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


@dataclass(frozen=True)
class ExportSpec:
    request: SearchRequest
    format: str = "jsonl"
    columns: tuple[str, ...] = DEFAULT_COLUMNS  # a CSV's; JSON Lines has every field
    bom: bool = False  # a CSV starting with U+FEFF, for spreadsheets that want it

    @property
    def everything(self) -> bool:
        """No query, no filter: the whole archive."""
        request = self.request
        return not request.q.strip() and not any(getattr(request, f) for f in FILTER_FIELDS)

    def filters(self) -> dict[str, list[str]]:
        """The filters that are set, by their API names, values as text."""
        found = {}
        for name in FILTER_FIELDS:
            value = getattr(self.request, name)
            if value:
                values = value if isinstance(value, tuple) else (value,)
                found[_NAMES[name]] = [str(v) for v in values]
        return found

    def params(self) -> list[tuple[str, str]]:
        """The query string of /api/export/ that asks for this export again."""
        pairs = [("q", self.request.q)] if self.request.q else []
        pairs += [(name, v) for name, values in self.filters().items() for v in values]
        pairs.append(("sort", self.request.sort))
        if self.request.collapse != "none":
            pairs.append(("collapse", self.request.collapse))
        pairs.append(("format", self.format))
        if self.format == "csv":
            pairs.append(("columns", ",".join(self.columns)))
            if self.bom:
                pairs.append(("bom", "1"))
        return pairs

    def query_string(self) -> str:
        return urlencode(self.params())


def search_only(request: SearchRequest) -> SearchRequest:
    """The request with only the fields an export reads (the rest at their defaults)."""
    kept = {f.name: getattr(request, f.name) for f in fields(request) if f.name in SEARCH_FIELDS}
    return SearchRequest(**kept)


def spec_of_page(request: SearchRequest, fmt: str) -> ExportSpec:
    """The export of what a page shows: its search, its page's own subject (an outlet,
    author or tag page's scope) as one more filter."""
    scoped = _with_scope(request, request.scope) if request.scope else request
    return ExportSpec(search_only(scoped), fmt)


def download_url(path: str, request: SearchRequest, fmt: str) -> str:
    """``/api/export/`` of a page's search (``path`` is its address), in ``fmt``."""
    return f"{path}?{spec_of_page(request, fmt).query_string()}"


def _with_scope(request: SearchRequest, scope: tuple[str, str]) -> SearchRequest:
    field = {"outlet": "outlets", "author": "authors", "tag": "tags"}[scope[0]]
    values = getattr(request, field)
    return replace(request, **{field: values if scope[1] in values else (*values, scope[1])})


def read_spec(query: Mapping) -> ExportSpec:
    """An export from GET parameters; raises ``InvalidParams`` naming every bad one."""
    errors: dict[str, list[str]] = {}
    try:
        asked = api_search(query).request
        if asked.mode != "keyword":
            errors["mode"] = [KEYWORDS_ONLY]
        request = search_only(asked)
        if not given(query, "sort") and not request.q:
            # Oldest first, as the export always wrote the archive: an original before
            # its duplicates, and an import gives the articles in the same order again.
            request = replace(request, sort="oldest")
        if not given(query, "collapse"):
            # Every matching article, copies too: an export is the data, unless asked
            # to fold (a page's download asks as its list shows).
            request = replace(request, collapse="none")
    except InvalidParams as invalid:
        errors.update(invalid.errors)
        request = SearchRequest()
    fmt = (given(query, "format") or ["jsonl"])[0]
    if fmt not in FORMATS:
        errors["format"] = [f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}."]
    columns = tuple(dict.fromkeys(given(query, "columns", commas=True) or DEFAULT_COLUMNS))
    if unknown := unknown_columns(columns):
        allowed = ", ".join(COLUMNS)
        errors["columns"] = [f"unknown column {name!r}; use any of {allowed}." for name in unknown]
    bom = False
    try:
        bom = Flag().read((given(query, "bom") or ["0"])[0])
    except Problem as problem:
        errors["bom"] = [str(problem)]
    if fmt == "jsonl":  # a CSV's options asked of JSON Lines: said, not ignored
        for option, asked in (("columns", given(query, "columns")), ("bom", bom)):
            if asked:
                errors.setdefault(option, []).append(f"{option} applies to format=csv only.")
    if errors:
        raise InvalidParams(errors)
    return ExportSpec(request, fmt, columns, bom)
