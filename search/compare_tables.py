"""The compare page's panels as tables (a header row, then rows): what its CSV
downloads hold. Plain values, so the csv module does the quoting."""

from search.compare import Comparison

PANELS = ("series", "facets", "terms")


def series_table(comparison: Comparison) -> list[list]:
    """Per period: its dates, the archive's articles, and each search's count and share."""
    header = ["period", "date_from", "date_to", "archive_articles"]
    for panel in comparison.panels:
        header += [f"{panel.search.label} count", f"{panel.search.label} share"]
    rows = [header]
    for i, period in enumerate(comparison.axis.periods):
        row = [period.period, period.date_from.isoformat(), period.date_to.isoformat()]
        row.append(period.archive)
        for panel in comparison.panels:
            row += [panel.series.counts[i], round(panel.series.shares[i], 6)]
        rows.append(row)
    return rows


def facets_table(comparison: Comparison) -> list[list]:
    """Each search's top values per facet, with their count and share of its hits (empty
    for a group the search filters by: ``Panel.facet_shares``)."""
    rows = [["search", "facet", "value", "label", "count", "share"]]
    for panel in comparison.panels:
        for facet, values in panel.facet_shares().items():
            for value, share in values:
                shown = "" if share is None else round(share, 6)
                rows.append(
                    [panel.search.label, facet, value.value, value.label, value.count, shown]
                )
    return rows


def terms_table(comparison: Comparison) -> list[list]:
    rows = [
        [
            "search",
            "word",
            "score_g2",
            "documents",
            "share",
            "archive_documents",
            "archive_share",
            "documents_read",
            "documents_matched",
        ]
    ]
    for panel in comparison.panels:
        terms = panel.terms
        for t in terms.terms:
            rows.append(
                [
                    panel.search.label,
                    t.word,
                    t.score,
                    t.count,
                    t.share,
                    t.archive_count,
                    t.archive_share,
                    terms.read,
                    terms.matched,
                ]
            )
    return rows


TABLES = {"series": series_table, "facets": facets_table, "terms": terms_table}
