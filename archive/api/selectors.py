"""Read-side queries of the API: the articles matching the list and export filters."""

from django.db.models import Model, Q, QuerySet

from archive.models import Article, Author, Outlet, Story, Tag, byline_prefetch


def _tag_q(values: list[str]) -> Q:
    """``kind:slug`` matches one tag, a bare slug matches that slug in any kind; the slug of
    a tag merged into another stands for the survivor, unless a tag has it now.

    One ``IN`` a kind, not one ``OR`` a value: a thousand values made a chain deeper than
    SQLite takes ("Expression tree is too large"). An unknown kind matches nothing."""
    bare = [value for value in values if ":" not in value]
    by_kind: dict[str, list[str]] = {}
    for value in values:
        kind, sep, slug = value.partition(":")
        if sep and kind in Tag.Kind.values:
            by_kind.setdefault(kind, []).append(slug)
    slugs = {*bare, *(slug for kind_slugs in by_kind.values() for slug in kind_slugs)}
    live = set(Tag.objects.filter(slug__in=slugs).values_list("kind", "slug"))
    live_slugs = {slug for _, slug in live}
    q = Q(pk__in=[])
    if bare:
        q |= Q(tags__slug__in=bare)
        gone = [slug for slug in bare if slug not in live_slugs]
        q |= Q(tags__redirects__old_slug__in=gone) if gone else Q(pk__in=[])
    for kind, kind_slugs in by_kind.items():
        q |= Q(tags__kind=kind, tags__slug__in=kind_slugs)
        gone = [slug for slug in kind_slugs if (kind, slug) not in live]
        if gone:
            q |= Q(tags__redirects__kind=kind, tags__redirects__old_slug__in=gone)
    return q


def _slugs_q(relation: str, model: type[Model], kind: str, slugs: list[str]) -> Q:
    """Outlets or authors by slug, or by the slug of one merged into them when no outlet
    or author has it now (as the search's filters read them: ``search.selectors``)."""
    live = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    gone = [slug for slug in slugs if slug not in live]
    q = Q(**{f"{relation}__slug__in": slugs})
    if gone:
        q |= Q(
            **{f"{relation}__redirects__old_slug__in": gone, f"{relation}__redirects__kind": kind}
        )
    return q


def article_list(*, filters: dict, ordering: str | None = None) -> QuerySet[Article]:
    """Articles matching ``filters`` (validated ArticleFilterParams); unknown slugs match nothing.

    Several values of one filter combine with OR, different filters with AND.
    """
    articles = Article.objects.all()
    if filters.get("outlet"):
        by_outlet = Article.objects.filter(_slugs_q("outlet", Outlet, "outlet", filters["outlet"]))
        articles = articles.filter(pk__in=by_outlet.values("pk"))
    if filters.get("author"):
        by_author = Article.objects.filter(_slugs_q("authors", Author, "author", filters["author"]))
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


def story_list(*, filters: dict) -> QuerySet[Story]:
    """Stories matching ``filters`` (validated StoryListParams), newest first."""
    stories = Story.objects.all()
    if filters.get("outlet") or filters.get("tag"):
        articles = article_list(filters={k: filters.get(k) for k in ("outlet", "tag")})
        stories = stories.filter(pk__in=articles.values("story_id"))
    if filters.get("date_from"):
        stories = stories.filter(last_published__gte=filters["date_from"])
    if filters.get("date_to"):
        stories = stories.filter(first_published__lte=filters["date_to"])
    return stories.order_by("-first_published", "-id")
