"""Read-side queries of the API: the articles matching the list and export filters."""

from django.db.models import Q, QuerySet

from archive.models import Article, Tag, byline_prefetch


def _tag_q(values: list[str]) -> Q:
    """``kind:slug`` matches one tag, a bare slug matches that slug in any kind.

    One ``IN`` a kind, not one ``OR`` a value: a thousand values made a chain deeper than
    SQLite takes ("Expression tree is too large"). An unknown kind matches nothing."""
    bare = [value for value in values if ":" not in value]
    by_kind: dict[str, list[str]] = {}
    for value in values:
        kind, sep, slug = value.partition(":")
        if sep and kind in Tag.Kind.values:
            by_kind.setdefault(kind, []).append(slug)
    # The slug of a tag merged into another stands for the survivor.
    q = (Q(tags__slug__in=bare) | Q(tags__redirects__old_slug__in=bare)) if bare else Q(pk__in=[])
    for kind, slugs in by_kind.items():
        q |= Q(tags__kind=kind, tags__slug__in=slugs)
        q |= Q(tags__redirects__kind=kind, tags__redirects__old_slug__in=slugs)
    return q


def _slugs_q(relation: str, kind: str, slugs: list[str]) -> Q:
    """Outlets or authors by slug, or by the slug of one merged into them."""
    moved = {f"{relation}__redirects__old_slug__in": slugs, f"{relation}__redirects__kind": kind}
    return Q(**{f"{relation}__slug__in": slugs}) | Q(**moved)


def article_list(*, filters: dict, ordering: str | None = None) -> QuerySet[Article]:
    """Articles matching ``filters`` (validated ArticleFilterParams); unknown slugs match nothing.

    Several values of one filter combine with OR, different filters with AND.
    """
    articles = Article.objects.all()
    if filters.get("outlet"):
        by_outlet = Article.objects.filter(_slugs_q("outlet", "outlet", filters["outlet"]))
        articles = articles.filter(pk__in=by_outlet.values("pk"))
    if filters.get("author"):
        by_author = Article.objects.filter(_slugs_q("authors", "author", filters["author"]))
        articles = articles.filter(pk__in=by_author.values("pk"))
    if filters.get("language"):
        articles = articles.filter(language__in=filters["language"])
    if filters.get("tag"):
        articles = articles.filter(
            pk__in=Article.objects.filter(_tag_q(filters["tag"])).values("pk")
        )
    if filters.get("date_from"):
        articles = articles.filter(published__gte=filters["date_from"])
    if filters.get("date_to"):
        articles = articles.filter(published__lte=filters["date_to"])
    if ordering:
        articles = articles.order_by(ordering, "-id" if ordering.startswith("-") else "id")
    return articles


def with_relations(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Load outlets, authors and tags for a page in a fixed number of queries."""
    return articles.select_related("outlet").prefetch_related(byline_prefetch(), "tags")
