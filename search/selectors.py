"""Database reads the search layer needs: pages of articles, filter ids, labels."""

from django.db.models import Q
from django.urls import NoReverseMatch

from archive.models import Article, Author, Outlet, Tag


def articles_by_id(ids: list[int]) -> dict[int, Article]:
    """The articles of one page, with outlet, authors and tags, in three queries."""
    if not ids:
        return {}
    queryset = (
        Article.objects.filter(pk__in=ids)
        .select_related("outlet")
        .prefetch_related("author_links__author", "tags")
        .defer("raw_text")
    )
    return {a.pk: a for a in queryset}


def article_titles(ids: list[int]) -> dict[int, Article]:
    """Articles with only their id and title (enough for a link)."""
    return {a.pk: a for a in Article.objects.filter(pk__in=ids).only("pk", "title")}


def article_texts(ids: list[int]) -> dict[int, tuple[str, str]]:
    """(title, summary + body) of these articles, for highlighting."""
    rows = Article.objects.filter(pk__in=ids).values_list("pk", "title", "summary", "body")
    return {
        pk: (title, f"{summary}\n\n{body}" if summary else body)
        for pk, title, summary, body in rows
    }


def article_duplicate_ids(article_id: int) -> set[int]:
    """The article, the one it duplicates, and every article duplicating either."""
    row = Article.objects.filter(pk=article_id).values_list("duplicate_of_id", flat=True).first()
    roots = {article_id} | ({row} if row else set())
    twins = Article.objects.filter(Q(duplicate_of_id__in=roots) | Q(pk__in=roots))
    return roots | set(twins.values_list("pk", flat=True))


def outlet_ids(slugs) -> set[int]:
    return set(Outlet.objects.filter(slug__in=list(slugs)).values_list("pk", flat=True))


def author_ids(slugs) -> set[int]:
    return set(Author.objects.filter(slug__in=list(slugs)).values_list("pk", flat=True))


def tag_ids(values) -> dict[str, set[int]]:
    """Tag filter values (``kind:slug`` or a bare slug) grouped by kind ('' = any)."""
    groups: dict[str, set[int]] = {}
    for value in values:
        kind, _, slug = value.rpartition(":") if ":" in value else ("", "", value)
        found = Tag.objects.filter(slug=slug, **({"kind": kind} if kind else {}))
        groups.setdefault(kind, set()).update(found.values_list("pk", flat=True))
    return groups


def outlet_labels(ids) -> dict[int, tuple[str, str]]:
    """{id: (slug, name)}"""
    rows = Outlet.objects.filter(pk__in=list(ids)).values_list("pk", "slug", "name")
    return {pk: (slug, name) for pk, slug, name in rows}


def author_labels(ids) -> dict[int, tuple[str, str]]:
    rows = Author.objects.filter(pk__in=list(ids)).values_list("pk", "slug", "name")
    return {pk: (slug, name) for pk, slug, name in rows}


def tag_labels(ids) -> dict[int, tuple[str, str]]:
    """{id: ("kind:slug", name)}"""
    rows = Tag.objects.filter(pk__in=list(ids)).values_list("pk", "kind", "slug", "name")
    return {pk: (f"{kind}:{slug}", name) for pk, kind, slug, name in rows}


def tag_spellings() -> list[list[str]]:
    """The spellings (name and aliases) of every tag that has aliases."""
    rows = Tag.objects.exclude(aliases=[]).values_list("name", "aliases")
    return [[name, *(a for a in aliases or [] if isinstance(a, str))] for name, aliases in rows]


def link_of(obj) -> str:
    """The page of an outlet, tag, author or article, or "" when it has none."""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


def article_link(article_id: int, title: str) -> str:
    return link_of(Article(pk=article_id, title=title))


def name_suggestions(prefix: str, *, limit: int) -> list[tuple[str, str, object]]:
    """(text, kind, object) of outlets, tags and authors whose name has a word
    starting with ``prefix``."""
    words = Q(name__istartswith=prefix) | Q(name__icontains=f" {prefix}")
    found: list[tuple[str, str, object]] = []
    for outlet in Outlet.objects.filter(words)[:limit]:
        found.append((outlet.name, "outlet", outlet))
    for tag in Tag.objects.filter(words | Q(aliases__icontains=prefix)).exclude(kind="other")[
        :limit
    ]:
        found.append((tag.name, tag.kind, tag))
    for author in Author.objects.filter(words)[:limit]:
        found.append((author.name, "author", author))
    return found
