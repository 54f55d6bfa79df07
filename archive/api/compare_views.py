"""/api/compare/ (searches compared) and one search's /api/search/series/ and
/api/search/terms/: thin views over ``search.compare``."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.api import params as p
from archive.api.compare_serializers import (
    ComparisonSerializer,
    SeriesSerializer,
    TermsSerializer,
    comparison_data,
    series_data,
    terms_data,
)
from archive.api.exceptions import understood
from archive.api.views import validated
from archive.models import Article
from search import compare
from search.compare_request import FILTERS, MEASURES, compare_state
from search.params import PAGE_PARAMS
from search.request import api_search
from search.types import BINS


class TermsParams(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)


def _compare_parameters() -> list[OpenApiParameter]:
    """Search 1's parameters (``s1.q``, ``s1.tag``, …); searches 2 to 5 take the same."""
    helps = {param.page: param for param in PAGE_PARAMS}
    documented = []
    for name in FILTERS:
        param = helps[name]
        schema = param.rule.schema
        documented.append(
            OpenApiParameter(
                f"s1.{name}",
                {"type": "array", "items": schema} if param.many else schema,
                description=f"{param.help} Searches 2 to {compare.MAX_SEARCHES}: "
                f"s2.{name}, … s{compare.MAX_SEARCHES}.{name}.",
            )
        )
    documented += [
        OpenApiParameter("s1.label", str, description="The search's name (60 characters)."),
        OpenApiParameter(
            "s1.color",
            {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
            description="#rrggbb; default: Okabe–Ito's palette in order.",
        ),
        OpenApiParameter("bin", {"type": "string", "enum": list(BINS)}, description=_BIN),
        OpenApiParameter(
            "measure", {"type": "string", "enum": list(MEASURES)}, description="The page's chart."
        ),
    ]
    return documented


_BIN = "The periods: day, week, month or year; absent (or too many bars): chosen by the span."


class CompareView(APIView):
    """Up to five searches on one time axis (counts and shares of all articles per
    period), each with its top facets, sample articles and significant terms."""

    permission_model = Article
    may_be_unavailable = True

    @extend_schema(parameters=_compare_parameters(), responses=ComparisonSerializer)
    def get(self, request):
        state = compare_state(request.GET)  # InvalidParams: a 400 naming each parameter
        if not state.searches:
            raise ValidationError({"s1.q": "give at least one search (s1.q, s1.tag, …)."})
        for compared in state.searches:
            understood(compared.search.request.q, f"s{compared.number}.q")
        comparison = compare.compare([c.search for c in state.searches], state.bin)
        return Response(ComparisonSerializer(comparison_data(state, comparison)).data)


class SeriesView(APIView):
    """One search's articles per period, and their share of all articles in the archive."""

    permission_model = Article
    may_be_unavailable = True

    @extend_schema(parameters=p.search_parameters(), responses=SeriesSerializer)
    def get(self, request):
        parsed = api_search(request.GET)
        understood(parsed.request.q)
        axis, series = compare.series(parsed.request, parsed.request.histogram_bin)
        return Response(SeriesSerializer(series_data(axis, series)).data)


class TermsView(APIView):
    """The words that set one search's result apart from the archive (log-likelihood,
    stop words out); a big result is read in an even sample (``sampled``)."""

    permission_model = Article
    may_be_unavailable = True

    @extend_schema(parameters=[*p.search_parameters(), TermsParams], responses=TermsSerializer)
    def get(self, request):
        parsed = api_search(request.GET)
        understood(parsed.request.q)
        limit = validated(TermsParams, request.GET)["limit"]
        found = compare.terms(parsed.request, limit=limit)
        return Response(TermsSerializer(terms_data(found)).data)
