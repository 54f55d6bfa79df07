"""Serializers of the search service's typed results (search.types) for /api/search/ and friends."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils.urls import remove_query_param, replace_query_param

from archive.api.serializers import (
    ArticleLinks,
    AuthorRefSerializer,
    OutletRefSerializer,
    TagRefSerializer,
    author_refs,
    links_for,
)
from search.selectors import attached
from search.types import FACETS


class HighlightsSerializer(serializers.Serializer):
    """HTML-safe fragments: text escaped, matches wrapped in <mark>."""

    title = serializers.CharField()
    body = serializers.ListField(child=serializers.CharField())


class TermMatchSerializer(serializers.Serializer):
    term = serializers.CharField(
        help_text='As the query was understood ("sanction*", "name:jinping").'
    )
    forms = serializers.ListField(
        child=serializers.CharField(), help_text="The article's words that matched it."
    )
    fields = serializers.ListField(
        child=serializers.CharField(), help_text='Where they stand: "title", "body", "tag"...'
    )
    score = serializers.FloatField(help_text="Its part of the hit's score.")
    share = serializers.FloatField(help_text="Of the whole score, 0 to 1; the shares add up to 1.")
    added = serializers.BooleanField(
        help_text="Not typed: found in the best hits (pseudo-relevance feedback)."
    )


class ExplanationSerializer(serializers.Serializer):
    """Why a hit matched (``explain=1``)."""

    score = serializers.FloatField()
    matches = TermMatchSerializer(many=True)
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Query terms the article does not have."
    )
    matched = serializers.BooleanField(help_text="False: not a hit of the query at all.")
    semantic_share = serializers.FloatField(
        allow_null=True,
        help_text="Semantic and hybrid modes: the share of the score meaning gave, 0 to 1 "
        "(the terms' shares add up to the rest); null in keyword mode.",
    )
    similarity = serializers.FloatField(
        allow_null=True,
        help_text="The article's cosine similarity to the query, when it was among those "
        "nearest in meaning; else null.",
    )


def explanation_data(explanation) -> dict | None:
    if explanation is None:
        return None
    return {
        "score": explanation.score,
        "matches": [
            {
                "term": m.term,
                "forms": list(m.forms),
                "fields": list(m.fields),
                "score": m.score,
                "share": round(m.share, 4),
                "added": m.added,
            }
            for m in explanation.matches
        ],
        "missing": list(explanation.missing),
        "matched": explanation.matched,
        "semantic_share": _rounded(explanation.semantic_share),
        "similarity": _rounded(explanation.similarity),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


class CopySerializer(serializers.Serializer):
    """An article folded into a hit: one of its copies, or of its story's articles."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    outlet = OutletRefSerializer(allow_null=True)
    published = serializers.DateField(allow_null=True)
    api_url = serializers.CharField()
    web_url = serializers.CharField()


def _described(article) -> dict:
    """What a hit and a copy both say of their article, after its id."""
    outlet = article.outlet
    return {
        "title": article.title,
        "url": article.url,
        "outlet": {"name": outlet.name, "slug": outlet.slug} if outlet else None,
        "published": article.published.isoformat() if article.published else None,
    }


def copy_data(article, links) -> dict:
    return {
        "id": article.pk,
        **_described(article),
        "api_url": links.api_url(article),
        "web_url": links.web_url(article),
    }


class HitSerializer(serializers.Serializer):
    """One search hit (a ``search.types.Hit`` whose article is loaded).

    The fields document the shape; ``to_representation`` builds it directly, since a
    page of hits is on the hot path of every search (the schema test checks they agree).
    """

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    outlet = OutletRefSerializer(allow_null=True)
    published = serializers.DateField(allow_null=True)
    authors = AuthorRefSerializer(many=True)
    tags = TagRefSerializer(many=True)
    score = serializers.FloatField(allow_null=True)
    highlights = HighlightsSerializer()
    explanation = ExplanationSerializer(
        allow_null=True, help_text="Why it matched; null unless the search asked `explain=1`."
    )
    api_url = serializers.CharField()
    web_url = serializers.CharField()
    copy_group = serializers.IntegerField(
        help_text="The id of its copy group's original (its own id unless it is a copy)."
    )
    story = serializers.IntegerField(allow_null=True, help_text="Its story's id; null: none.")
    copies = CopySerializer(
        many=True,
        help_text="The other matching articles folded into this hit (its copies; with "
        "`collapse=stories` its story's other articles), oldest first, at most 20.",
    )
    folded = serializers.IntegerField(
        help_text="How many matching articles were folded into this hit (all of them)."
    )

    def to_representation(self, hit) -> dict:
        return hit_data(hit, links_for(self.context))


def hit_data(hit, links) -> dict:
    """A hit (its article loaded) as the API shows it: ``HitSerializer``'s fields."""
    article = hit.article
    return {
        "id": hit.id,
        **_described(article),
        "authors": author_refs(article),
        "tags": [
            {"name": t.name, "slug": t.slug, "kind": t.kind} for t in attached(article, "tags")
        ],
        "score": hit.score,
        "highlights": {"title": hit.highlights.title, "body": list(hit.highlights.body)},
        "explanation": explanation_data(hit.explanation),
        "api_url": links.api_url(article),
        "web_url": links.web_url(article),
        "copy_group": hit.copy_group,
        "story": hit.story,
        "copies": [copy_data(copy, links) for copy in hit.copies],
        "folded": hit.folded,
    }


def hits_data(hits, request) -> list[dict]:
    """The hits whose article is still stored, as the API shows them."""
    links = ArticleLinks(request)
    return [hit_data(hit, links) for hit in hits if hit.article is not None]


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Send back as the filter's value.")
    label = serializers.CharField(help_text="For a person to read.")
    count = serializers.IntegerField()


class HistogramBucketSerializer(serializers.Serializer):
    period = serializers.CharField(
        help_text='"2018", "2018-05", "2018-W19" (ISO week) or "2018-05-03"; outside: "2018/2020".'
    )
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    """Counts by value for each facet; a facet not asked for is an empty list."""

    def get_fields(self):
        return {name: FacetValueSerializer(many=True) for name in FACETS}

    def to_representation(self, facets) -> dict:
        return facets_data(facets)


class SearchResponseSerializer(serializers.Serializer):
    """A ``search.types.SearchResult`` as the API shows it."""

    count = serializers.IntegerField(
        source="total",
        help_text="Hits as listed: copy groups (`collapse=copies`), stories or articles "
        "(`collapse=none`); the pages, facets and histogram count the same.",
    )
    count_articles = serializers.IntegerField(
        source="articles", help_text="Matching articles, before folding."
    )
    collapse = serializers.CharField(help_text="copies, none or stories: what a hit stands for.")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField()
    took_ms = serializers.FloatField()
    suggestion = serializers.CharField(allow_null=True, help_text="Did you mean (has hits).")
    corrected_from = serializers.CharField(
        allow_null=True,
        help_text="With autocorrect: the query as sent, when it found nothing and the "
        "results are those of `suggestion`.",
    )
    notices = serializers.ListField(
        child=serializers.CharField(),
        help_text="What was cut to keep the query bounded (too long, too many terms, a "
        "prefix or fuzzy word matching too many words); the rest was searched.",
    )
    results = serializers.SerializerMethodField()
    facets = FacetsSerializer()
    histogram = HistogramBucketSerializer(many=True)
    histogram_bin = serializers.CharField(help_text="day, week, month or year.")
    histogram_outside = HistogramBucketSerializer(
        many=True, help_text="Hits far before or after the histogram's range."
    )

    def to_representation(self, result) -> dict:
        return search_response_data(result, self.context["request"])

    def get_next(self, result) -> str | None:
        return _next_url(self.context["request"], result)

    def get_previous(self, result) -> str | None:
        return _previous_url(self.context["request"], result)

    @extend_schema_field(HitSerializer(many=True))
    def get_results(self, result) -> list[dict]:
        return hits_data(result.hits, self.context["request"])


def search_response_data(result, request) -> dict:
    """A ``search.types.SearchResult`` as the API shows it: ``SearchResponseSerializer``'s
    fields, built directly (DRF's fields cost a tenth of a search request)."""
    return {
        "count": result.total,
        "count_articles": result.articles,
        "collapse": result.collapse,
        "page": result.page,
        "page_size": result.page_size,
        "next": _next_url(request, result),
        "previous": _previous_url(request, result),
        "took_ms": float(result.took_ms),
        "suggestion": result.suggestion,
        "corrected_from": result.corrected_from,
        "notices": list(result.notices),
        "results": hits_data(result.hits, request),
        "facets": facets_data(result.facets),
        "histogram": buckets_data(result.histogram),
        "histogram_bin": result.histogram_bin,
        "histogram_outside": buckets_data(result.histogram_outside),
    }


def _next_url(request, result) -> str | None:
    return _page_url(request, result.page + 1) if result.page < result.pages else None


def _previous_url(request, result) -> str | None:
    return _page_url(request, result.page - 1) if result.page > 1 else None


def _page_url(request, page: int) -> str:
    url = request.build_absolute_uri()
    return replace_query_param(url, "page", page) if page > 1 else remove_query_param(url, "page")


def facets_data(facets) -> dict:
    return {
        name: [{"value": f.value, "label": f.label, "count": f.count} for f in facets.get(name, [])]
        for name in FACETS
    }


def buckets_data(buckets) -> list[dict]:
    return [{"period": str(b.period), "count": int(b.count)} for b in buckets]


class SimilarResponseSerializer(serializers.Serializer):
    results = serializers.SerializerMethodField()

    def to_representation(self, hits) -> dict:
        return {"results": hits_data(hits, self.context["request"])}

    @extend_schema_field(HitSerializer(many=True))
    def get_results(self, hits) -> list[dict]:
        return hits_data(hits, self.context["request"])


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.CharField(
        help_text="title, outlet, topic, person, place, organization, author"
    )
    url = serializers.CharField()


class SuggestResponseSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)
