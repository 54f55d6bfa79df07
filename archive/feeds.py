"""Atom feed of a search's newest matches: follow a story, an outlet or a person."""

import datetime as dt
import re
from dataclasses import replace

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from archive.templatetags.archive_search import active_filters
from archive.views import search_error_page
from search import service as search_service
from search.params import FACET_PARAM
from search.request import page_search
from search.types import InvalidQuery, SearchRequest, SearchUnavailable

FEED_ITEMS = 20
# What XML 1.0 cannot carry at all, even escaped: control characters, lone surrogates,
# U+FFFE and U+FFFF. A query or a stored row holding one would make the feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value):
    """``value`` (text, or a list or dict of texts) with what XML 1.0 refuses read as spaces."""
    if isinstance(value, str):
        return _NOT_XML.sub(" ", value)
    if isinstance(value, list | tuple):
        return [xml_text(v) for v in value]
    if isinstance(value, dict):
        return {k: xml_text(v) for k, v in value.items()}
    return value


class XmlSafeAtomFeed(Atom1Feed):
    """An Atom feed whose every text and attribute is cleaned once, on its way in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_text(args), **xml_text(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_text(args), **xml_text(kwargs))


def feed_request(request: SearchRequest, *, limit: int = FEED_ITEMS) -> SearchRequest:
    """The same search for a feed reader: newest first, one page, no facets, as typed."""
    return replace(
        request,
        sort="newest",
        page=1,
        page_size=limit,
        facets=(),
        highlight=False,
        autocorrect=False,
    )


class SearchFeed(Feed):
    """The same parameters as the search page, newest matches first."""

    feed_type = XmlSafeAtomFeed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except (InvalidQuery, SearchUnavailable) as exc:
            return search_error_page(request, exc)

    def get_object(self, request: HttpRequest, *args, **kwargs) -> dict:
        return self.found(request)

    def found(self, request: HttpRequest, *, fixed: tuple[str, str] | None = None) -> dict:
        """The feed's search from the query string (within ``fixed``, a page's subject)."""
        parsed = page_search(request.GET, fixed=fixed)
        state = parsed.state.without("page").without("sort").without("autocorrect")
        # Only the facets of the filters it has: they carry the filters' names.
        named = {name for name, _ in state.pairs}
        facets = tuple(key for key, param in FACET_PARAM.items() if param in named)
        search = replace(feed_request(parsed.request), facets=facets)
        result = search_service.search(search)
        return {
            "q": parsed.request.q,
            "state": state,
            # Its filters as the search page's chips name them ("Outlet: Bloomberg").
            "filters": [
                f"{chip['kind']}: {chip['label']}"
                for chip in active_filters(result, search, state, reverse("web:search"))
            ],
            "articles": [hit.article for hit in result.hits if hit.article is not None],
        }

    def title(self, obj: dict) -> str:
        described = ", ".join(obj["filters"])
        parts = [f"“{obj['q']}”" if obj["q"] else "", described]
        title = "News archive: " + (" · ".join(p for p in parts if p) or "newest articles")
        return title

    def link(self, obj: dict) -> str:
        return obj["state"].with_value("sort", "newest").url(reverse("web:search"))

    def feed_url(self, obj: dict) -> str:
        # rel="self" is this feed, its query and filters included (not the bare /feed/).
        return obj["state"].url(reverse("web:feed"))

    def subtitle(self, obj: dict) -> str:
        return "The newest articles matching this search."

    def items(self, obj: dict) -> list:
        return obj["articles"]

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        # The feed carries HTML; the article's text is text, so escape it.
        return escape(Truncator(item.summary or item.body).words(60))

    def item_link(self, item) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item) -> dt.datetime | None:
        if not item.published:
            return None
        return dt.datetime.combine(item.published, item.published_time or dt.time(), dt.UTC)

    def item_updateddate(self, item) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item) -> str | None:
        return ", ".join(item.author_names) or (item.outlet.name if item.outlet else None)

    def item_categories(self, item) -> list[str]:
        return [tag.name for tag in item.tags.all()]


FEED_PREVIEW = 5


def feed_about(request: HttpRequest, *, feed: SearchFeed | None = None, **found) -> HttpResponse:
    """The page "Follow this search" leads a person to: what the feed is, its address to
    copy into a feed reader, and what it holds now (a feed's XML is for the reader).
    ``feed`` is the search's feed (an outlet's, author's or tag's; ``found`` what its
    ``get_object`` needs), by default the plain search feed."""
    feed = feed or SearchFeed()
    try:
        obj = feed.get_object(request, **found)
    except (InvalidQuery, SearchUnavailable) as exc:
        return search_error_page(request, exc)
    feed_url = feed.feed_url(obj)
    context = {
        "title": feed.title(obj),
        "feed_url": feed_url,
        "feed_address": request.build_absolute_uri(feed_url),
        "search_url": feed.link(obj),
        "articles": obj["articles"][:FEED_PREVIEW],
        "q": obj["q"],
    }
    return render(request, "archive/feed_about.html", context)


class SavedSearchFeed(Feed):
    """A saved search's private feed (``/feeds/saved/<token>/``): the stories it matched,
    newest first, each with the outlets of its copies. The token is the only key, so a
    feed reader needs no login; a renewed or revoked token answers 404."""

    feed_type = XmlSafeAtomFeed

    def get_object(self, request: HttpRequest, token: str):
        from django.http import Http404

        from archive.alerts.models import SavedSearch
        from archive.alerts.services import feed_matches

        saved = SavedSearch.objects.filter(feed_token=token, feed_enabled=True).first()
        if saved is None:
            raise Http404("No such feed.")
        self.request = request
        return {"saved": saved, "matches": feed_matches(saved)}

    def title(self, obj: dict) -> str:
        return f"News archive: {obj['saved'].name}"

    def link(self, obj: dict) -> str:
        from archive.saved_pages import search_url

        return search_url(obj["saved"])

    def feed_url(self, obj: dict) -> str:
        return reverse("web:saved-feed", args=[obj["saved"].feed_token])

    def subtitle(self, obj: dict) -> str:
        return "New articles matching your saved search, newest first."

    def items(self, obj: dict) -> list:
        return obj["matches"]

    def item_title(self, match) -> str:
        return match.article.title

    def item_description(self, match) -> str:
        article = match.article
        text = escape(Truncator(article.summary or article.body).words(60))
        also = sorted({c.article.outlet.name for c in match.folded.all() if c.article.outlet})
        return text + (f"<p>Also in: {escape(', '.join(also))}</p>" if also else "")

    def item_link(self, match) -> str:
        return match.article.get_absolute_url()

    def item_guid(self, match) -> str:
        return self.request.build_absolute_uri(match.article.get_absolute_url())

    def item_pubdate(self, match) -> dt.datetime:
        return match.matched_at

    def item_author_name(self, match) -> str | None:
        return match.article.outlet.name if match.article.outlet else None
