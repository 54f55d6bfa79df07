"""The pages of one outlet, author or tag, and their feeds.

Each is the search page scoped to its subject (``SearchRequest.scope``: ANDed with the
reader's filters, kept in every facet count) with an introduction of the subject
(``archive.entities``). The slug of an outlet, author or tag merged into another leads,
permanently, to the survivor's page or feed, with the same query string.
"""

from dataclasses import dataclass

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from archive.entities import EntitySummary, entity_kind, entity_moved, entity_summary
from archive.feeds import SearchFeed, feed_about
from archive.models import Author, Outlet, Tag
from archive.views import Preset, search_page
from search import service as search_service
from search.request import UrlState
from search.types import FacetValue, SearchRequest, SearchUnavailable

COMPANION_FACETS = ("person", "place", "organization", "outlet")


class Moved(Exception):
    """The slug asked for was merged into ``survivor``."""

    def __init__(self, survivor: Model):
        self.survivor = survivor


def _find(model: type[Model], kind: str, slug: str) -> Model:
    """The live outlet, author or tag; raises ``Moved`` for a merged slug, else 404."""
    if model is Tag and kind not in Tag.Kind.values:
        raise Http404(f"No tags of the kind {kind!r}.")  # /tags/outlet/… is no outlet's
    filters = {"slug": slug} if model is not Tag else {"slug": slug, "kind": kind}
    found = model.objects.filter(**filters).first()
    if found is not None:
        return found
    survivor = entity_moved(kind, slug)
    if survivor is None:
        raise Http404(f"No {kind} {slug!r} in the archive.")
    raise Moved(survivor)


def _moved(
    request: HttpRequest, survivor: Model, *, feed: bool, about: bool = False
) -> HttpResponse:
    path = (
        (_feed_path(survivor) + ("about/" if about else ""))
        if feed
        else survivor.get_absolute_url()
    )
    query = request.GET.urlencode()
    return HttpResponsePermanentRedirect(path + (f"?{query}" if query else ""))


def _feed_path(entity: Model) -> str:
    return entity.get_absolute_url() + "feed/"


def _scope(entity: Model) -> tuple[str, str]:
    """The search filter of an outlet, author or tag: ("tag", "kind:slug") for a tag."""
    if isinstance(entity, Tag):
        return "tag", f"{entity.kind}:{entity.slug}"
    return entity_kind(entity), entity.slug


@dataclass(frozen=True)
class Intro:
    """What a subject's page says of it before its search."""

    summary: EntitySummary
    # What appears with it most: the facets of its own articles, whatever the page's
    # filters; None when the page has none (then its own result's facets say the same).
    companions: dict[str, list[FacetValue]] | None = None


def _companions(request: HttpRequest, scope: tuple[str, str]) -> dict | None:
    narrowed = UrlState.from_query(request.GET).without("page").without("sort").without("size")
    if not narrowed.pairs:
        return None
    alone = SearchRequest(scope=scope, facets=COMPANION_FACETS, page_size=1, highlight=False)
    try:
        return search_service.search(alone).facets
    except SearchUnavailable:
        return {}


def _page(request: HttpRequest, model: type[Model], kind: str, slug: str) -> HttpResponse:
    try:
        entity = _find(model, kind, slug)
    except Moved as moved:
        return _moved(request, moved.survivor, feed=False)
    summary = entity_summary(entity)
    param, value = _scope(entity)
    intro = Intro(summary, _companions(request, (param, value)))
    preset = Preset(param, value, entity.name, summary.kind_title, _feed_path(entity), intro)
    return search_page(request, preset=preset)


def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, Outlet, "outlet", slug)


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, Author, "author", slug)


def tag_detail(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    return _page(request, Tag, kind, slug)


class EntityFeed(SearchFeed):
    """The newest articles of one outlet, author or tag, narrowed by the page's filters."""

    def __init__(self, model: type[Model]):
        super().__init__()
        self.model = model

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        kind = kwargs.get("kind") or self.model._meta.model_name  # "outlet", "author"
        try:
            entity = _find(self.model, kind, kwargs["slug"])
        except Moved as moved:
            return _moved(request, moved.survivor, feed=True)
        return super().__call__(request, entity=entity)

    def get_object(self, request: HttpRequest, *args, entity: Model, **kwargs) -> dict:
        return {**self.found(request, fixed=_scope(entity)), "entity": entity}

    def title(self, obj: dict) -> str:
        return f"{obj['entity'].name} · {super().title(obj)}"

    def link(self, obj: dict) -> str:
        return obj["state"].with_value("sort", "newest").url(obj["entity"].get_absolute_url())

    def feed_url(self, obj: dict) -> str:
        return obj["state"].url(_feed_path(obj["entity"]))


def entity_feed_about(request: HttpRequest, model: type[Model], **kwargs) -> HttpResponse:
    """The page that tells a person how to follow an outlet's, author's or tag's feed."""
    kind = kwargs.get("kind") or model._meta.model_name
    try:
        entity = _find(model, kind, kwargs["slug"])
    except Moved as moved:
        return _moved(request, moved.survivor, feed=True, about=True)
    return feed_about(request, feed=EntityFeed(model), entity=entity)
