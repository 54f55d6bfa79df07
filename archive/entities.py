"""What the archive knows of one outlet, author or tag, for its page: its kind in words,
how many articles it has and over what span, its other names, and where an old slug of
it (from before a merge) leads now."""

from dataclasses import dataclass

from django.db.models import Model, QuerySet

from archive.models import Article, Author, Outlet, SlugRedirect, Tag

# Each kind as a person reads it, with its article ("an outlet", "a person").
KIND_WORDS = {
    "outlet": "an outlet",
    "author": "an author",
    Tag.Kind.TOPIC: "a topic",
    Tag.Kind.PERSON: "a person",
    Tag.Kind.PLACE: "a place",
    Tag.Kind.ORGANIZATION: "an organisation",
    Tag.Kind.OTHER: "a tag",
}


@dataclass(frozen=True)
class EntitySummary:
    """One outlet, author or tag as its page introduces it."""

    kind: str  # "outlet", "author" or the tag's kind
    name: str
    total: int  # its articles
    first: Article | None  # its oldest dated article
    last: Article | None  # its newest
    aliases: tuple[str, ...]  # other spellings, and the names merged into it

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.kind, "a tag")

    @property
    def kind_title(self) -> str:
        return self.kind_words.split(" ", 1)[1].capitalize()


def _articles(entity: Model) -> QuerySet:
    if isinstance(entity, Outlet):
        return Article.objects.filter(outlet=entity)
    if isinstance(entity, Author):
        return Article.objects.filter(author_links__author=entity)
    return Article.objects.filter(tags=entity)


def entity_kind(entity: Model) -> str:
    return entity.kind if isinstance(entity, Tag) else entity._meta.model_name


def entity_summary(entity: Outlet | Author | Tag) -> EntitySummary:
    """Its article count, first and last article and other names (four small queries)."""
    articles = _articles(entity).select_related("outlet").defer("raw_text", "body")
    dated = articles.filter(published__isnull=False)
    merged = entity.redirects.exclude(old_name="").values_list("old_name", flat=True)
    names = [*(getattr(entity, "aliases", None) or []), *merged]
    taken = {entity.name.casefold()}
    aliases = []
    for name in names:
        if name.casefold() not in taken:
            taken.add(name.casefold())
            aliases.append(name)
    return EntitySummary(
        kind=entity_kind(entity),
        name=entity.name,
        total=articles.count(),
        first=dated.order_by("published", "published_time", "pk").first(),
        last=dated.order_by("-published", "-published_time", "-pk").first(),
        aliases=tuple(aliases),
    )


def entity_moved(kind: str, slug: str) -> Outlet | Author | Tag | None:
    """The survivor of a merge that took this slug away (``kind``: "outlet", "author" or
    a tag kind); None when the slug was never merged."""
    redirect = (
        SlugRedirect.objects.filter(kind=kind, old_slug=slug)
        .select_related("outlet", "author", "tag")
        .first()
    )
    return redirect.target if redirect else None
