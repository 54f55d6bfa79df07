"""The introduction of an outlet, author or tag page: what appears with it most."""

from django import template

from archive.paths import page_path
from search.types import SearchResult

register = template.Library()

# The facets that name what appears with a page's subject, and how many of each to show.
COMPANIONS = (
    ("person", "People"),
    ("place", "Places"),
    ("organization", "Organisations"),
    ("outlet", "Outlets"),
)
SHOWN = 5


def _url(facet: str, value: str) -> str:
    if facet == "outlet":
        return page_path("web:outlet", slug=value)
    kind, _, slug = value.partition(":")
    return page_path("web:tag", kind=kind, slug=slug)


@register.simple_tag
def companions(result: SearchResult, facets: dict | None = None) -> list[dict]:
    """[{"title", "items": [{"label", "count", "url"}]}]: the people, places,
    organisations and outlets of the most articles of the subject (``facets`` counted
    within it alone, or the page's own when it has no filters), each linked to its page."""
    facets = result.facets if facets is None else facets
    groups = []
    for facet, title in COMPANIONS:
        values = [v for v in facets.get(facet, []) if v.count and not v.selected][:SHOWN]
        items = [{"label": v.label, "count": v.count, "url": _url(facet, v.value)} for v in values]
        if items:
            groups.append({"title": title, "items": items})
    return groups
