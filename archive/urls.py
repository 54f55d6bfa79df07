from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from archive import compare_views, entity_pages, saved_pages, unsubscribe, views
from archive.entity_pages import EntityFeed, entity_feed_about
from archive.feeds import SavedSearchFeed, SearchFeed, feed_about
from archive.models import Author, Outlet, Tag
from archive.throttle import throttled


class SlugConverter:
    """Slugs as the models make them: words of any script joined by hyphens. Anything
    else (a NUL, a dot) is a 404 before the database sees it."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SlugConverter, "word_slug")

app_name = "web"


# Pages that only read answer GET and HEAD (any other method: 405). Those that search are
# throttled per anonymous client (PAGES_ANON_RATE); an article page (a redirect when its
# slug is old) and autocomplete stay free.
reads = require_safe


def pages(view):
    return require_safe(throttled("pages")(view))


def _entity_paths(prefix: str, name: str, model, view) -> list:
    """An outlet's, author's or tag's page, its feed and the page about its feed."""
    return [
        path(prefix, pages(view), name=name),
        path(prefix + "feed/", pages(EntityFeed(model)), name=f"{name}-feed"),
        path(prefix + "feed/about/", pages(entity_feed_about), {"model": model}),
    ]


urlpatterns = [
    path("", pages(views.search_page), name="search"),
    path("suggest", reads(views.suggest), name="suggest"),
    path("compare/", pages(compare_views.compare_page), name="compare"),
    path("compare/<str:panel>.csv", pages(compare_views.download_table), name="compare-csv"),
    path("compare/chart.svg", pages(compare_views.download_chart), name="compare-svg"),
    path("feed/", pages(SearchFeed()), name="feed"),
    path("feed/about/", pages(feed_about), name="feed-about"),
    path(
        "alerts/unsubscribe/<str:token>/",
        unsubscribe.unsubscribe_page,
        name="alerts-unsubscribe",
    ),
    path("articles/<int:pk>/", reads(views.article_detail), name="article-noslug"),
    path("articles/<int:pk>/<word_slug:slug>/", reads(views.article_detail), name="article"),
    path("stories/<int:pk>/", reads(views.story_detail), name="story"),
    path("searches/", reads(saved_pages.saved_search_list), name="saved-searches"),
    path("searches/new/", saved_pages.saved_search_create, name="saved-search-create"),
    path("searches/<int:pk>/", reads(saved_pages.saved_search_open), name="saved-search"),
    path("searches/<int:pk>/edit/", saved_pages.saved_search_edit, name="saved-search-edit"),
    path("searches/<int:pk>/delete/", saved_pages.saved_search_delete, name="saved-search-delete"),
    path("searches/<int:pk>/feed/", saved_pages.feed_token_renew, name="saved-search-feed"),
    path("searches/<int:pk>/webhooks/", saved_pages.webhook_add, name="saved-search-webhook"),
    path(
        "searches/<int:pk>/webhooks/<int:hook>/delete/",
        saved_pages.webhook_delete,
        name="saved-search-webhook-delete",
    ),
    path("feeds/saved/<str:token>/", reads(SavedSearchFeed()), name="saved-feed"),
    *_entity_paths("outlets/<word_slug:slug>/", "outlet", Outlet, entity_pages.outlet_detail),
    *_entity_paths("authors/<word_slug:slug>/", "author", Author, entity_pages.author_detail),
    *_entity_paths("tags/<slug:kind>/<word_slug:slug>/", "tag", Tag, entity_pages.tag_detail),
]
