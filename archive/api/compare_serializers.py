"""Serializers of the compare service's results (``search.compare``) for /api/compare/,
/api/search/series/ and /api/search/terms/: plain data, built by the ``*_data`` functions."""

from rest_framework import serializers


class TermSerializer(serializers.Serializer):
    word = serializers.CharField(help_text="A surface form, folded as indexed.")
    score = serializers.FloatField(help_text="Log-likelihood (G²) against the rest of the archive.")
    count = serializers.IntegerField(help_text="Documents read that have it.")
    share = serializers.FloatField(help_text="Of the documents read, 0 to 1.")
    archive_count = serializers.IntegerField(help_text="Documents of the archive that have it.")
    archive_share = serializers.FloatField()


class TermsSerializer(serializers.Serializer):
    matched = serializers.IntegerField(help_text="Articles the search matches.")
    read = serializers.IntegerField(help_text="Articles whose words were counted.")
    documents = serializers.IntegerField(help_text="Articles in the archive.")
    sampled = serializers.BooleanField(help_text="True: an even sample of the matches was read.")
    terms = TermSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    period = serializers.CharField(help_text='"1987", "1987-03", "1987-W10" or "1987-03-02".')
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    archive = serializers.IntegerField(help_text="Articles of the whole archive in the period.")


class PointSerializer(PeriodSerializer):
    count = serializers.IntegerField(help_text="The search's articles in the period.")
    share = serializers.FloatField(help_text="count / archive (0 when the archive has none).")


class SeriesSerializer(serializers.Serializer):
    bin = serializers.CharField()
    bins = serializers.ListField(child=serializers.CharField(), help_text="Bins to switch to.")
    total = serializers.IntegerField()
    undated = serializers.IntegerField(help_text="Hits without a date (in total, in no period).")
    periods = PointSerializer(many=True)


class FacetShareSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(
        allow_null=True,
        help_text="Of the search's total; null in a group the search filters by, whose "
        "counts are what each value would find if chosen instead.",
    )


class SampleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    published = serializers.DateField(allow_null=True)
    highlights = serializers.ListField(
        child=serializers.CharField(), help_text="HTML: escaped text, matches in <mark>."
    )


class ComparedSerializer(serializers.Serializer):
    label = serializers.CharField()
    color = serializers.CharField()
    query = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The search's own parameters as given (q, tag, outlet, ...).",
    )
    total = serializers.IntegerField()
    undated = serializers.IntegerField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="Per period.")
    shares = serializers.ListField(child=serializers.FloatField(), help_text="Per period.")
    facets = serializers.DictField(child=FacetShareSerializer(many=True))
    terms = TermsSerializer()
    samples = SampleSerializer(many=True)


class ComparisonSerializer(serializers.Serializer):
    bin = serializers.CharField()
    bins = serializers.ListField(child=serializers.CharField())
    periods = PeriodSerializer(many=True)
    searches = ComparedSerializer(many=True)


def terms_data(found) -> dict:
    return {
        "matched": found.matched,
        "read": found.read,
        "documents": found.documents,
        "sampled": found.sampled,
        "terms": [vars(t) for t in found.terms],
    }


def _period(p) -> dict:
    return {
        "period": p.period,
        "date_from": p.date_from,
        "date_to": p.date_to,
        "archive": p.archive,
    }


def series_data(axis, series) -> dict:
    periods = [
        {**_period(p), "count": c, "share": s}
        for p, c, s in zip(axis.periods, series.counts, series.shares, strict=True)
    ]
    return {
        "bin": axis.bin,
        "bins": list(axis.bins),
        "total": series.total,
        "undated": series.undated,
        "periods": periods,
    }


def _samples(result) -> list[dict]:
    return [
        {
            "id": h.id,
            "title": h.article.title,
            "url": h.article.get_absolute_url(),
            "published": h.article.published,
            "highlights": [h.highlights.title, *h.highlights.body]
            if h.highlights.title
            else list(h.highlights.body),
        }
        for h in result.hits
        if h.article is not None
    ]


def comparison_data(state, comparison) -> dict:
    searches = []
    for compared, panel in zip(state.searches, comparison.panels, strict=True):
        query: dict[str, list[str]] = {}
        for name, value in compared.values:
            query.setdefault(name, []).append(value)
        facets = {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "share": share}
                for v, share in values
            ]
            for name, values in panel.facet_shares().items()
        }
        searches.append(
            {
                "label": panel.search.label,
                "color": panel.search.color,
                "query": query,
                "total": panel.result.total,
                "undated": panel.series.undated,
                "counts": panel.series.counts,
                "shares": panel.series.shares,
                "facets": facets,
                "terms": terms_data(panel.terms),
                "samples": _samples(panel.result),
            }
        )
    return {
        "bin": comparison.axis.bin,
        "bins": list(comparison.axis.bins),
        "periods": [_period(p) for p in comparison.axis.periods],
        "searches": searches,
    }
