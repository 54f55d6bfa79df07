from django.urls import path, register_converter

from archive import views
from archive.feeds import SearchFeed
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
    path("articles/<int:pk>/", views.article_detail, name="article-noslug"),
    path("articles/<int:pk>/<word_slug:slug>/", views.article_detail, name="article"),
    path("outlets/<word_slug:slug>/", throttled("pages")(views.outlet_detail), name="outlet"),
    path("authors/<word_slug:slug>/", throttled("pages")(views.author_detail), name="author"),
    path("tags/<slug:kind>/<word_slug:slug>/", throttled("pages")(views.tag_detail), name="tag"),
]
