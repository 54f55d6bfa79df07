"""Browser pages: the search page, article pages, outlet/tag/author pages and autocomplete.

Views only translate: GET parameters become a ``SearchRequest`` (``search.request``, read
leniently: what cannot be understood is ignored and said), the query service answers, a
template renders the ``SearchResult``. Search errors become a
friendly page with the right status (400 for a request we cannot answer, 503 when the
index is unavailable).
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from archive.ingest.normalize import is_web_address
from archive.models import Article, Author, Outlet, Tag, unique_slug
from search import service as search_service
from search.query import MAX_QUERY_CHARS
from search.request import page_search
from search.types import InvalidQuery, SearchTooCostly, SearchUnavailable

SUGGEST_LIMIT = 8
MORE_LIKE_THIS = 5


@dataclass(frozen=True)
class Preset:
    """A filter fixed by the page's path (an outlet, tag or author page)."""

    param: str  # "outlet", "tag" or "author"
    value: str
    label: str
    kind: str  # "Outlet", "Person", ... for the heading


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
    """The search page at ``/``; outlet, tag and author pages are this page with a preset."""
    parsed = page_search(request.GET, fixed=(preset.param, preset.value) if preset else None)
    state = parsed.state
    try:
        result = search_service.search(parsed.request)
    except (InvalidQuery, SearchUnavailable) as exc:
        return search_error_page(request, exc)
    feed_state = state.without("page").without("sort")
    if preset:
        feed_state = feed_state.adding(preset.param, preset.value)
    context = {
        "state": state,
        "first_index": (result.page - 1) * result.page_size + 1,
        "page_size_param": state.get("size"),
        "clear_url": state.only("q", "sort", "size").url(request.path),
        "parsed": parsed,
        "search": parsed.request,
        "result": result,
        "preset": preset,
        "feed_url": feed_state.url(reverse("web:feed")),
        "everywhere_url": state.without("page").url(reverse("web:search")) if preset else "",
        "q": parsed.request.q,
        "max_query_chars": MAX_QUERY_CHARS,
    }
    return render(request, "archive/search.html", context)


def suggest(request: HttpRequest) -> JsonResponse:
    """Autocomplete for the search box: titles, tags, outlets and authors from a prefix."""
    prefix = request.GET.get("q", "").strip()[:100]
    if len(prefix) < 2:
        return JsonResponse({"q": prefix, "suggestions": []})
    try:
        found = search_service.suggest(prefix, limit=SUGGEST_LIMIT)
    except SearchUnavailable:
        return JsonResponse({"q": prefix, "suggestions": []}, status=503)
    items = [{"text": s.text, "kind": s.kind, "url": s.url} for s in found]
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
        Article.objects.select_related("outlet", "duplicate_of__outlet").prefetch_related(
            "tags", "author_links__author", "near_duplicates__outlet"
        ),
        pk=pk,
    )
    if slug != unique_slug(article.title, 80):
        # Keep ?q= so the highlighting survives an old or shortened link.
        query = request.GET.urlencode()
        target = article.get_absolute_url() + (f"?{query}" if query else "")
        return redirect(target, permanent=True)
    q = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    why = bool(q) and request.GET.get("why") == "1"
    context = {
        "article": article,
        "q": q,
        "why": why,
        "why_url": article.get_absolute_url() + "?" + urlencode({"q": q, "why": 1}) + "#why",
        **(_explanation(q, article) if why else {}),
        "back_url": reverse("web:search") + "?" + urlencode({"q": q}) if q else "",
        "original_url": _link_to_original(article.url),
        "more_like_this": _more_like_this(article),
        "duplicates": _same_story(article),
        "admin_url": _admin_url(request, article),
        "tags": sorted(article.tags.all(), key=lambda t: (t.kind, t.name.casefold())),
    }
    return render(request, "archive/article_detail.html", context)


def _explanation(q: str, article: Article) -> dict:
    """{"explanation": why the article matches ``q``} or {"why_message": why that
    cannot be told}."""
    try:
        explanation = search_service.explain(q, article.pk)
    except SearchUnavailable:
        return {"why_message": "The search index cannot be read right now; try again soon."}
    if explanation is None:
        return {"why_message": "This article is not in the search index yet."}
    return {"explanation": explanation}


def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outlet = get_object_or_404(Outlet, slug=slug)
    return search_page(request, preset=Preset("outlet", outlet.slug, outlet.name, "Outlet"))


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    return search_page(request, preset=Preset("author", author.slug, author.name, "Author"))


def tag_detail(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, kind=kind, slug=slug)
    value = f"{tag.kind}:{tag.slug}"
    return search_page(request, preset=Preset("tag", value, tag.name, tag.get_kind_display()))
