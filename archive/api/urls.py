"""/api/ routes; any other path under /api/ answers a JSON 404."""

from django.urls import path, re_path

from archive.api import compare_views, saved_searches, views
from archive.api.exceptions import api_not_found
from archive.api.schema_views import DocsView, SchemaView
from archive.api.tokens import TokenRevokeView

app_name = "api"

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/series/", compare_views.SeriesView.as_view(), name="search-series"),
    path("search/terms/", compare_views.TermsView.as_view(), name="search-terms"),
    path("compare/", compare_views.CompareView.as_view(), name="compare"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("articles/<int:pk>/similar/", views.SimilarView.as_view(), name="article-similar"),
    path("outlets/", views.OutletListView.as_view(), name="outlet-list"),
    path("outlets/<int:pk>/", views.OutletDetailView.as_view(), name="outlet-detail"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path("authors/<int:pk>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<int:pk>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("stories/", views.StoryListView.as_view(), name="story-list"),
    path("stories/<int:pk>/", views.StoryDetailView.as_view(), name="story-detail"),
    path("ingest/", views.IngestView.as_view(), name="ingest"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("export/manifest/", views.ExportManifestView.as_view(), name="export-manifest"),
    path("saved-searches/", saved_searches.SavedSearchListView.as_view(), name="saved-search-list"),
    path(
        "saved-searches/<int:pk>/",
        saved_searches.SavedSearchDetailView.as_view(),
        name="saved-search-detail",
    ),
    path(
        "saved-searches/<int:pk>/feed-token/",
        saved_searches.FeedTokenView.as_view(),
        name="saved-search-feed-token",
    ),
    path(
        "saved-searches/<int:pk>/webhooks/",
        saved_searches.WebhookListView.as_view(),
        name="saved-search-webhook-list",
    ),
    path(
        "saved-searches/<int:pk>/webhooks/<int:hook>/",
        saved_searches.WebhookDetailView.as_view(),
        name="saved-search-webhook-detail",
    ),
    path("token/", TokenRevokeView.as_view(), name="token-revoke"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^[\s\S]*$", api_not_found),  # not ".": a path with a line break too
]
