"""Query-string parameters, validated by small serializers (and documented by them in the schema).

Repeated parameters (``outlet=a&outlet=b``) select several values. Searching reads its
parameters with the search request parser instead (``search.request``), and documents
them from its table (``search_parameters``).
"""

from collections.abc import Callable
from dataclasses import fields

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from archive.ingest.readers import FORMATS
from search.export import spec as export_spec
from search.export.columns import COLUMNS, DEFAULT_COLUMNS
from search.params import PARAMS, Param
from search.request import api_problems
from search.types import SearchRequest


class CommaListField(serializers.ListField):
    """A repeated parameter whose values may also be comma-separated; empty values dropped."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        parts = [part.strip() for item in data for part in str(item).split(",")]
        return super().to_internal_value([part for part in parts if part])


class ChoiceWithMessage(serializers.ChoiceField):
    """A choice whose error lists the allowed values."""

    def __init__(self, choices, **kwargs):
        allowed = ", ".join(str(c) for c in choices)
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": f"unknown value {{input!r}}; use one of {allowed}."},
        )
        super().__init__(choices, **kwargs)


class DateRangeParams(serializers.Serializer):
    """Parameters with a ``date_from`` and a ``date_to``: the range may not run backwards."""

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": "is before date_from."})
        return attrs


def _by_search_rule(name: str) -> Callable[[serializers.Serializer, list[str]], list[str]]:
    """A serializer's ``validate_<name>``: the values read as /api/search/ reads its
    parameter ``name`` (``search.request.api_problems``), so what it refuses is refused here."""

    def validate(self, values: list[str]) -> list[str]:
        if problems := api_problems(name, values):
            raise serializers.ValidationError(problems)
        return values

    return validate


class ArticleFilterParams(DateRangeParams):
    """Filters shared by /api/articles/ and /api/export/."""

    outlet = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Outlet slug; repeat for several."
    )
    tag = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="`kind:slug` (`person:kim-jong-un`) or a bare slug of any kind; repeatable.",
    )
    author = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Author slug; repeatable."
    )
    language = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Language code; repeatable."
    )
    date_from = serializers.DateField(
        required=False, help_text="Published on or after (YYYY-MM-DD)."
    )
    date_to = serializers.DateField(
        required=False, help_text="Published on or before (YYYY-MM-DD)."
    )

    validate_outlet = _by_search_rule("outlet")
    validate_tag = _by_search_rule("tag")
    validate_author = _by_search_rule("author")
    validate_language = _by_search_rule("language")


ARTICLE_ORDERINGS = (
    "published",
    "-published",
    "title",
    "-title",
    "id",
    "-id",
    "updated_at",
    "-updated_at",
)


class ArticleListParams(ArticleFilterParams):
    ordering = ChoiceWithMessage(ARTICLE_ORDERINGS, required=False, help_text="Sort order.")
    include = CommaListField(
        child=ChoiceWithMessage(["raw"]),
        required=False,
        help_text="`raw` adds each article's raw text as received.",
    )


class IncludeParams(serializers.Serializer):
    include = CommaListField(
        child=ChoiceWithMessage(["raw"]),
        required=False,
        help_text="`raw` adds the article's raw text as received.",
    )


def search_parameters() -> list[OpenApiParameter]:
    """The documentation of /api/search/'s parameters, from the search parameters' table
    (``search.params``), which the endpoint reads with (``search.request.api_search``)."""
    return [
        OpenApiParameter(
            param.api,
            {"type": "array", "items": param.rule.schema} if param.many else _schema(param),
            description=param.help,
        )
        for param in PARAMS
    ]


def export_parameters() -> list[OpenApiParameter]:
    """/api/export/'s parameters: the search's (not its page, facets or highlights), the
    format, the CSV's columns and its byte order mark."""
    searched = [q for q in search_parameters() if q.name in _EXPORTED]
    return [
        *searched,
        OpenApiParameter(
            "format", {"type": "string", "enum": list(export_spec.FORMATS), "default": "jsonl"}
        ),
        OpenApiParameter(
            "columns",
            {"type": "array", "items": {"type": "string", "enum": list(COLUMNS)}},
            description="The CSV's columns, in order (comma-separated or repeated); default "
            + ",".join(DEFAULT_COLUMNS)
            + ".",
            explode=False,
        ),
        OpenApiParameter(
            "bom",
            {"type": "boolean", "default": False},
            description="Start a CSV with a UTF-8 byte order mark (for spreadsheets).",
        ),
    ]


_EXPORTED = {p.api for p in PARAMS if p.field in export_spec.SEARCH_FIELDS}


def _schema(param: Param) -> dict:
    default = _DEFAULTS.get(param.field)
    return param.rule.schema if default is None else {**param.rule.schema, "default": default}


# The defaults a client sees (the sort's depends on the query: see its description).
_DEFAULTS = {f.name: f.default for f in fields(SearchRequest) if f.name not in ("sort", "facets")}


class SimilarParams(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False, default=5)


class SuggestParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", help_text="A prefix.")
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False, default=10)


class IngestParams(serializers.Serializer):
    format = ChoiceWithMessage(
        FORMATS,
        required=False,
        help_text="Reader to use (default: from the content type or the file's extension).",
    )
    outlet = serializers.CharField(required=False, help_text="Outlet for items that name none.")
    dry_run = serializers.BooleanField(required=False, default=False)


class TagListParams(serializers.Serializer):
    kind = serializers.ListField(
        child=ChoiceWithMessage(["topic", "person", "place", "organization", "other"]),
        required=False,
        help_text="Tag kind; repeatable.",
    )


class StoryListParams(DateRangeParams):
    """Filters of /api/stories/."""

    outlet = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Stories an outlet (slug) reported; repeat for several.",
    )
    tag = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Stories with an article tagged `kind:slug` or a bare slug; repeatable.",
    )
    date_from = serializers.DateField(
        required=False, help_text="Stories reported on or after this day (their last report)."
    )
    date_to = serializers.DateField(
        required=False, help_text="Stories reported on or before this day (their first report)."
    )
