from django.urls import path, register_converter

from archive import entity_pages, views
from archive.entity_pages import EntityFeed, entity_feed_about
from archive.feeds import SearchFeed, feed_about
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

# Pages that search are throttled per anonymous client (PAGES_ANON_RATE); an article page
# (a redirect when its slug is old) and autocomplete stay free.
urlpatterns = [
    path("", throttled("pages")(views.search_page), name="search"),
    path("suggest", views.suggest, name="suggest"),
    path("feed/", throttled("pages")(SearchFeed()), name="feed"),
    path("feed/about/", throttled("pages")(feed_about), name="feed-about"),
    path("articles/<int:pk>/", views.article_detail, name="article-noslug"),
    path("articles/<int:pk>/<word_slug:slug>/", views.article_detail, name="article"),
    path(
        "outlets/<word_slug:slug>/", throttled("pages")(entity_pages.outlet_detail), name="outlet"
    ),
    path(
        "outlets/<word_slug:slug>/feed/", throttled("pages")(EntityFeed(Outlet)), name="outlet-feed"
    ),
    path(
        "outlets/<word_slug:slug>/feed/about/",
        throttled("pages")(entity_feed_about),
        {"model": Outlet},
    ),
    path(
        "authors/<word_slug:slug>/", throttled("pages")(entity_pages.author_detail), name="author"
    ),
    path(
        "authors/<word_slug:slug>/feed/", throttled("pages")(EntityFeed(Author)), name="author-feed"
    ),
    path(
        "authors/<word_slug:slug>/feed/about/",
        throttled("pages")(entity_feed_about),
        {"model": Author},
    ),
    path(
        "tags/<slug:kind>/<word_slug:slug>/",
        throttled("pages")(entity_pages.tag_detail),
        name="tag",
    ),
    path(
        "tags/<slug:kind>/<word_slug:slug>/feed/",
        throttled("pages")(EntityFeed(Tag)),
        name="tag-feed",
    ),
    path(
        "tags/<slug:kind>/<word_slug:slug>/feed/about/",
        throttled("pages")(entity_feed_about),
        {"model": Tag},
    ),
]
