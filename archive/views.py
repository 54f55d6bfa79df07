"""Browser pages: the search page, article pages, outlet/tag/author pages and autocomplete.

Views only translate: GET parameters become a ``SearchRequest`` (``search.request``, read
leniently: what cannot be understood is ignored and said), the query service answers, a
template renders the ``SearchResult``. Search errors become a
friendly page with the right status (400 for a request we cannot answer, 503 when the
index is unavailable).
"""

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import urlencode

from archive.ingest.normalize import is_web_address
from archive.labels import kind_label
from archive.models import Article, Story, byline_prefetch, unique_slug
from archive.stories.coverage import story_coverage
from search import service as search_service
from search.compare_request import from_search_page
from search.export.spec import FORMATS, download_url
from search.query import MAX_QUERY_CHARS
from search.request import UrlState, page_search
from search.semantic import semantic_enabled
from search.types import InvalidQuery, SearchRequest, SearchTooCostly, SearchUnavailable

SUGGEST_LIMIT = 8
MORE_LIKE_THIS = 5
# Pages an article's "Back to results" may return to (``back=``): the search pages only.
RESULT_PAGES = ("web:search", "web:outlet", "web:author", "web:tag")
# The search page's toggle: what one result stands for (``SearchRequest.collapse``).
COLLAPSE_CHOICES = (
    ("copies", "Fold copies"),
    ("none", "Show every copy"),
    ("stories", "One per story"),
)
# The search page's choice of how words find articles (``SearchRequest.mode``), shown
# when meaning-based search is on.
MODE_CHOICES = (
    ("keyword", "Words"),
    ("hybrid", "Words and meaning"),
    ("semantic", "Meaning"),
)


@dataclass(frozen=True)
class Preset:
    """A filter fixed by the page's path (an outlet, tag or author page)."""

    param: str  # "outlet", "tag" or "author"
    value: str
    label: str
    kind: str  # "Outlet", "Person", ... for the heading
    feed: str  # the path of its own feed
    about: object = None  # what the page says of its subject (``archive.entity_pages.Intro``)


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message, "status": status}
    return render(request, "archive/error.html", context, status=status)


def search_error_page(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, SearchTooCostly):
        response = error_page(request, 503, "This search was too costly", str(exc))
        response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, SearchUnavailable):
        response = error_page(
            request,
            503,
            "Search is resting for a moment",
            "The search index cannot be read right now. Please try again in a minute.",
        )
        response["Retry-After"] = "60"
        return response
    return error_page(request, 400, "We could not run that search", str(exc))


def search_page(request: HttpRequest, *, preset: Preset | None = None) -> HttpResponse:
    """The search page at ``/``; outlet, tag and author pages (``archive.entity_pages``)
    are this page with a preset: their subject, which scopes the search."""
    parsed = page_search(request.GET, fixed=(preset.param, preset.value) if preset else None)
    state, search = parsed.state, parsed.request
    try:
        result = search_service.search(search)
    except (InvalidQuery, SearchUnavailable) as exc:
        return search_error_page(request, exc)
    as_typed_url = ""
    if result.corrected_from:  # the page is the corrected search's, links included
        as_typed_url = state.with_value("autocorrect", "off").url(request.path)
        state, search = (
            state.with_value("q", result.suggestion),
            replace(search, q=result.suggestion),
        )
    feed_state = state.without("page").without("sort").without("autocorrect")
    # The page's parameters and its subject: the whole search, wherever it goes.
    scoped = state.adding(preset.param, preset.value) if preset else state
    context = {
        "state": state,
        "first_index": (result.page - 1) * result.page_size + 1,
        "page_size_param": state.get("size"),
        "clear_url": state.only("q", "sort", "size").url(request.path),
        "parsed": parsed,
        "search": search,
        "result": result,
        "as_typed_url": as_typed_url,
        "preset": preset,
        "feed_url": feed_state.url(preset.feed if preset else reverse("web:feed")),
        "follow_url": feed_state.url((preset.feed if preset else reverse("web:feed")) + "about/"),
        "everywhere_url": state.without("page").url(reverse("web:search")) if preset else "",
        # The compare page with this search (and the page's own filter) as search 1.
        "compare_url": reverse("web:compare") + "?" + from_search_page(scoped.pairs),
        "q": search.q,
        # What "Save this search" keeps: the page's parameters and its subject.
        "save_query": scoped.query(),
        "max_query_chars": MAX_QUERY_CHARS,
        "collapse_choices": COLLAPSE_CHOICES,
        "mode_choices": MODE_CHOICES if semantic_enabled() else (),
        # A hit's link carries the search (highlighting, and the explanation of the
        # same request) and these results (the way back).
        "hit_query": article_link_query(scoped, back=state.url(request.path)),
        # Every hit, not only this page's, as a file (the API's export of this search).
        "downloads": {fmt: download_url(reverse("api:export"), search, fmt) for fmt in FORMATS},
    }
    # A page after the last one is not there: say so with links to those that are.
    status = 404 if result.past_the_end else 200
    return render(request, "archive/search.html", context, status=status)


def suggest(request: HttpRequest) -> JsonResponse:
    """Autocomplete for the search box: titles, tags, outlets and authors from a prefix."""
    prefix = request.GET.get("q", "").strip()[:100]
    if len(prefix) < 2:
        return JsonResponse({"q": prefix, "suggestions": []})
    try:
        found = search_service.suggest(prefix, limit=SUGGEST_LIMIT)
    except SearchUnavailable:
        return JsonResponse({"q": prefix, "suggestions": []}, status=503)
    items = [
        {"text": s.text, "kind": s.kind, "label": kind_label(s.kind), "url": s.url} for s in found
    ]
    return JsonResponse({"q": prefix, "suggestions": items})


def _more_like_this(article: Article) -> list:
    try:
        hits = search_service.more_like_this(article.pk, limit=MORE_LIKE_THIS)
    except SearchUnavailable:
        return []
    return [hit.article for hit in hits if hit.article is not None]


def _admin_url(request: HttpRequest, article: Article) -> str:
    if not request.user.is_staff:
        return ""
    try:
        return reverse("admin:archive_article_change", args=[article.pk])
    except NoReverseMatch:
        return ""


def _same_story(article: Article) -> list[Article]:
    """Its near-duplicates: the original it copies, that original's other copies, its own."""
    original = article.duplicate_of
    twins = [original] if original else []
    if original:
        twins += original.near_duplicates.select_related("outlet").exclude(pk=article.pk)
    twins += article.near_duplicates.all()
    return list(dict.fromkeys(twins))


def _link_to_original(url: str | None) -> str:
    """The article's own address when it is a web link; anything else (``javascript:``,
    ``data:``, a bare path) stays unlinked, since imports store urls as the source gave them."""
    url = (url or "").strip()
    return url if is_web_address(url) else ""


def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("outlet", "duplicate_of__outlet", "story").prefetch_related(
            "tags",
            byline_prefetch(),
            # A join, not a second prefetch step (see ``byline_prefetch``).
            Prefetch("near_duplicates", Article.objects.select_related("outlet")),
        ),
        pk=pk,
    )
    if slug != unique_slug(article.title, 80):
        # Keep ?q= so the highlighting survives an old or shortened link.
        query = request.GET.urlencode()
        target = article.get_absolute_url() + (f"?{query}" if query else "")
        return redirect(target, permanent=True)
    q = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    came_from = page_search(request.GET)  # the search that led here
    why = bool(q) and request.GET.get("why") == "1"
    back = _results_page(request.GET.get("back", ""))
    kept = {"back": back} if back else {}  # every link of the page keeps the way back
    back_url = f"{back}#hit-{article.pk}" if back else ""
    if not back_url and q:
        back_url = reverse("web:search") + "?" + urlencode({"q": q})
    context = {
        "article": article,
        "q": q,
        "why": why,
        "why_url": article.get_absolute_url()
        + "?"
        + article_link_query(came_from.state, why="1", **kept)
        + "#why",
        "plain_url": article.get_absolute_url() + (f"?{urlencode(kept)}" if kept else ""),
        **(_explanation(came_from.request, article) if why else {}),
        "back_url": back_url,
        "original_url": _link_to_original(article.url),
        "more_like_this": _more_like_this(article),
        "duplicates": _same_story(article),
        "admin_url": _admin_url(request, article),
        "tags": sorted(article.tags.all(), key=lambda t: (t.kind, t.name.casefold())),
    }
    return render(request, "archive/article_detail.html", context)


def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A story's page: its write-ups in time order, the first report marked, which
    outlet reported when and what each later version adds."""
    story = get_object_or_404(Story, pk=pk)
    return render(request, "archive/story_detail.html", {"coverage": story_coverage(story)})


def _results_page(value: str) -> str:
    """The search page ``value`` names (path and query), rebuilt from its known
    parameters; "" for anything else: another site, a scheme, a path that is not a list
    of results. The link back can never leave the archive."""
    parts = urlsplit(value[:2000])
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return ""
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ""
    if match.view_name not in RESULT_PAGES:
        return ""
    return UrlState.from_query(QueryDict(parts.query)).url(parts.path)


def article_link_query(search: UrlState, **params: str) -> str:
    """The query string of a link to an article from a search: the search's request
    (query, mode, filters; not which page of it), then ``params``. The article page
    highlights and explains that very request."""
    if not search.get("q"):
        return urlencode(params)
    kept = search.without("page").without("size").without("bin")
    return urlencode([*kept.pairs, *params.items()])


def _explanation(search: SearchRequest, article: Article) -> dict:
    """{"explanation": why the article is a hit of ``search``} or {"why_message": why
    that cannot be told}."""
    try:
        explanation = search_service.explain(search, article.pk)
    except SearchUnavailable:
        return {"why_message": "The search index cannot be read right now; try again soon."}
    if explanation is None:
        return {"why_message": "This article is not in the search index yet."}
    return {"explanation": explanation}
