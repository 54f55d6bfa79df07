"""Database reads the search layer needs: pages of articles, filter ids, labels."""

from dataclasses import dataclass, field
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.db.models import CharField, Count, F, JSONField, Max, Q, QuerySet, Value
from django.db.models.sql import Query
from django.urls import NoReverseMatch

from archive.models import Article, ArticleAuthor, Author, Outlet, SlugRedirect, Tag
from search.compiled import models_with_ids


def articles_by_id(ids) -> dict[int, Article]:
    """Articles with their outlet and story, in one query (``attach_links`` adds tags and
    authors); every search asks it, so its statement is compiled once."""
    alias = router.db_for_read(Article)
    return {a.pk: a for a in models_with_ids("articles_by_id", _page_articles, ids, alias)}


def _page_articles(ids: list[int]) -> QuerySet:
    queryset = Article.objects.filter(pk__in=ids).select_related("outlet", "story")
    # Unordered: the answer is keyed by id (ordering cost a tenth of this, and a sort).
    return queryset.defer("raw_text").order_by()


def article_text(article: Article) -> tuple[str, str]:
    """(title, summary + body): the text that is searched and highlighted."""
    body = f"{article.summary}\n\n{article.body}" if article.summary else article.body
    return article.title, body


def article_titles(ids: list[int]) -> dict[int, str]:
    """{id: title} of these articles."""
    return dict(Article.objects.filter(pk__in=ids).values_list("pk", "title"))


def article_duplicate_ids(article_id: int) -> set[int]:
    """The article, the one it duplicates, and every article duplicating either."""
    row = Article.objects.filter(pk=article_id).values_list("duplicate_of_id", flat=True).first()
    roots = {article_id} | ({row} if row else set())
    # Unordered, and without the roots (they are in the answer already): the articles'
    # default order, or an OR over two columns, made SQLite walk every article (over
    # 100 ms at 208,000 articles) instead of looking the duplicates up in their index.
    twins = Article.objects.filter(duplicate_of_id__in=roots).order_by()
    return roots | set(twins.values_list("pk", flat=True))


@dataclass(frozen=True)
class Vocabulary:
    """What a search needs to know of the archive's names before it asks the engine."""

    outlets: dict[str, int] = field(default_factory=dict)  # slug -> id
    authors: dict[str, int] = field(default_factory=dict)
    tags: list[tuple[int, str, str]] = field(default_factory=list)  # (id, kind, slug)
    spellings: list[list[str]] = field(default_factory=list)  # of each tag with aliases


def search_vocabulary(*, outlets=(), authors=(), tags=(), spellings: bool) -> Vocabulary:
    """The ids of these outlet and author slugs and tag values (``kind:slug`` or a bare
    slug), and with ``spellings`` the spellings (name and aliases) of every tag that has
    aliases: one query, none when nothing is asked."""
    tag_slugs = sorted({value.rpartition(":")[2] for value in tags})
    if spellings and not (outlets or authors or tag_slugs):
        return Vocabulary(spellings=_spellings())  # every search with words asks this
    parts = []
    if spellings:
        parts.append(_rows(_with_aliases(), "spelling", "name", aliases="aliases"))
    if outlets:
        parts.append(_rows(Outlet.objects.filter(slug__in=list(outlets)), "outlet", "slug"))
    if authors:
        parts.append(_rows(Author.objects.filter(slug__in=list(authors)), "author", "slug"))
    if tag_slugs:
        parts.append(_rows(Tag.objects.filter(slug__in=tag_slugs), "tag", "slug", kind="kind"))
    parts += _redirect_rows(outlets, authors, tag_slugs)
    found, moved = Vocabulary(), []
    for what, pk, kind, text, aliases in _union(parts):
        if what == "spelling":
            found.spellings.append([text, *(a for a in aliases or [] if isinstance(a, str))])
        elif what == "outlet":
            found.outlets[text] = pk
        elif what == "author":
            found.authors[text] = pk
        elif what == "tag":
            found.tags.append((pk, kind, text))
        else:
            moved.append((what, pk, kind, text))
    _follow_redirects(found, moved)
    return found


def _with_aliases():
    return Tag.objects.exclude(aliases=[])


def _spellings() -> list[list[str]]:
    """The spellings (name, then aliases) of every tag with aliases. The statement is
    the ORM's, built once: building it for every search cost ten times running it. It
    reads where the ORM would (a replica, for a public page)."""
    database = connections[router.db_for_read(Tag)]
    sql, params = _spellings_sql(database.vendor)
    aliases = Tag._meta.get_field("aliases")
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for name, stored in rows:
        spelt = aliases.from_db_value(stored, None, database) or []
        found.append([name, *(a for a in spelt if isinstance(a, str))])
    return found


@cache
def _spellings_sql(vendor: str) -> tuple[str, tuple]:
    rows = _with_aliases().order_by().values_list("name", "aliases")
    return rows.query.sql_with_params()


def _redirect_rows(outlets, authors, tag_slugs) -> list:
    """The slugs asked for that were merged into another (``archive.curation``): rows
    ("moved-<what>", survivor id, kind, old slug)."""
    redirects = SlugRedirect.objects.order_by()
    wanted = (("outlet", list(outlets)), ("author", list(authors)), ("tag", tag_slugs))
    parts = []
    for what, slugs in wanted:
        if not slugs:
            continue
        found = redirects.filter(old_slug__in=slugs, **{f"{what}__isnull": False})
        if what != "tag":
            found = found.filter(kind=what)
        parts.append(
            found.annotate(
                _what=Value(f"moved-{what}", output_field=CharField()),
                _pk=F(f"{what}_id"),
                _kind=F("kind"),
                _text=F("old_slug"),
                _aliases=Value(None, output_field=JSONField()),
            ).values_list("_what", "_pk", "_kind", "_text", "_aliases")
        )
    return parts


def _follow_redirects(found: Vocabulary, moved: list) -> None:
    """An old slug stands for its survivor, unless an outlet, author or tag has it now."""
    live_tags = {(kind, slug) for _, kind, slug in found.tags}
    for what, pk, kind, slug in moved:
        if what == "moved-outlet":
            found.outlets.setdefault(slug, pk)
        elif what == "moved-author":
            found.authors.setdefault(slug, pk)
        elif (kind, slug) not in live_tags:
            found.tags.append((pk, kind, slug))


def _rows(queryset, what: str, text: str, *, kind=None, aliases=None):
    """(what, id, kind, text, aliases) rows of one part of a union."""
    return (
        queryset.order_by()
        .annotate(
            _what=Value(what, output_field=CharField()),
            _kind=F(kind) if kind else Value("", output_field=CharField()),
            _text=F(text),
            _aliases=F(aliases) if aliases else Value(None, output_field=JSONField()),
        )
        .values_list("_what", "pk", "_kind", "_text", "_aliases")
    )


def _union(parts, *order: str) -> list:
    """The rows of every part in one query."""
    if not parts:
        return []
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return list(union.order_by(*order) if order else union)


@dataclass
class Names:
    """Names of outlets, authors and tags, and the page's bylines and tags."""

    outlets: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (slug, name)
    authors: dict[int, tuple[str, str]] = field(default_factory=dict)
    tags: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id -> (kind, slug, name)
    # article id -> its tags (kind, name order) / its authors (byline order)
    article_tags: dict[int, list[Tag]] = field(default_factory=dict)
    article_authors: dict[int, list[ArticleAuthor]] = field(default_factory=dict)


def names_and_links(*, outlets=(), authors=(), tags=(), articles=()) -> Names:
    """The slugs and names of these outlet, author and tag ids, and the tags and bylines
    of these articles (as models with their id, kind, slug and name, the rest loaded on
    use): one query, none when nothing is asked."""
    wanted = (
        ("outlet", outlets),
        ("author", authors),
        ("tag", tags),
        ("article_tag", articles),
        ("article_author", articles),
    )
    found = Names()
    # Ordered by kind and name as ``tags.all()`` orders an article's tags (Tag.Meta).
    for what, owner, link, pk, position, kind, slug, name in _names_rows(wanted):
        if what == "outlet":
            found.outlets[pk] = (slug, name)
        elif what == "author":
            found.authors[pk] = (slug, name)
        elif what == "tag":
            found.tags[pk] = (kind, slug, name)
        elif what == "article_tag":
            found.article_tags.setdefault(owner, []).append(_tag(pk, kind, slug, name))
        else:
            found.article_authors.setdefault(owner, []).append(
                _byline(link, owner, position, _author(pk, slug, name))
            )
    for bylines in found.article_authors.values():
        bylines.sort(key=lambda b: b.position)
    return found


def _names_rows(wanted) -> list[tuple]:
    """(what, article id, link id, id, position, kind, slug, name) rows of each part asked
    for, ordered by kind and name: one statement. Written as SQL, not built by the ORM:
    every search asks it, and building and compiling the five-part union cost about 2 ms
    a search, ten times the query itself (the SQL is the one the ORM wrote)."""
    parts, params = [], []
    for what, ids in wanted:
        ids = [int(i) for i in ids]
        if ids:
            parts.append(_names_sql(what).replace("(%s)", f"({', '.join(['%s'] * len(ids))})"))
            params += ids
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 6 ASC, 8 ASC", params)
        return cursor.fetchall()


@cache
def _names_sql(what: str) -> str:
    """One part of ``_names_rows``: its select, with ``IN (%s)`` for the ids."""
    q = connection.ops.quote_name
    link_model = {"article_tag": Article.tags.through, "article_author": ArticleAuthor}
    named = {"outlet": Outlet, "author": Author, "tag": Tag, "article_tag": Tag}
    named_model = named.get(what, Author)
    names = q(named_model._meta.db_table)
    kind = f"{names}.{q('kind')}" if named_model is Tag else "''"
    if what not in link_model:
        select = f"0, 0, {names}.{q('id')}, 0"
        return (
            f"SELECT '{what}', {select}, {kind}, {names}.{q('slug')}, {names}.{q('name')} "
            f"FROM {names} WHERE {names}.{q('id')} IN (%s)"
        )
    links = q(link_model[what]._meta.db_table)
    target = q("tag_id" if what == "article_tag" else "author_id")
    position = f"{links}.{q('position')}" if what == "article_author" else "0"
    select = f"{links}.{q('article_id')}, {links}.{q('id')}, {links}.{target}, {position}"
    return (
        f"SELECT '{what}', {select}, {kind}, {names}.{q('slug')}, {names}.{q('name')} "
        f"FROM {links} INNER JOIN {names} ON ({links}.{target} = {names}.{q('id')}) "
        f"WHERE {links}.{q('article_id')} IN (%s)"
    )


def _tag(pk: int, kind: str, slug: str, name: str) -> Tag:
    return Tag.from_db(DEFAULT_DB_ALIAS, ["id", "name", "slug", "kind"], [pk, name, slug, kind])


def _author(pk: int, slug: str, name: str) -> Author:
    return Author.from_db(DEFAULT_DB_ALIAS, ["id", "name", "slug"], [pk, name, slug])


def _byline(pk: int, article_id: int, position: int, author: Author) -> ArticleAuthor:
    fields = ["id", "article_id", "author_id", "position"]
    byline = ArticleAuthor.from_db(DEFAULT_DB_ALIAS, fields, [pk, article_id, author.pk, position])
    byline.author = author
    return byline


def attach_links(articles, names: Names) -> None:
    """Give each article its tags and bylines from ``names``, as if prefetched
    (``a.tags.all``, ``a.author_links.all`` then ask nothing more of the database)."""
    for article in articles:
        cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
        cache["tags"] = _Attached.of(Tag, names.article_tags.get(article.pk, []))
        cache["author_links"] = _Attached.of(
            ArticleAuthor, names.article_authors.get(article.pk, [])
        )


def attached(article, relation: str):
    """``article.<relation>.all()`` (``tags``, ``author_links``), read from what
    ``attach_links`` or a prefetch gave it without building a related manager (two a hit,
    for every hit of every search)."""
    found = article.__dict__.get("_prefetched_objects_cache", {}).get(relation)
    return found if found is not None else getattr(article, relation).all()


class _Attached(QuerySet):
    """Objects attached to an article as if prefetched, to read (iterate, count, slice).
    Built without the related manager's filtered queryset (a tenth of a search request
    for a page of 20); a new query from it (``filter``, ``order_by``) would not be the
    article's, so it raises."""

    @classmethod
    def of(cls, model, objects) -> "_Attached":
        # One empty query per model, shared: building one was most of the cost of
        # attaching a page's tags and bylines, and a query from it raises (``_chain``).
        attached = cls(model=model, query=_nothing(model))
        attached._result_cache, attached._prefetch_done = list(objects), True
        return attached

    def _chain(self):
        raise TypeError("Attached objects are read as they are: query the model instead.")


@cache
def _nothing(model) -> Query:
    """A query of ``model`` that finds nothing (read again: a deep copy drops the cache)."""
    query = Query(model)
    query.set_empty()
    return query


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


def archive_version() -> tuple:
    """What changes whenever an article is added, edited or deleted: (count, last edit)."""
    found = Article.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    return found["count"], found["last"]
