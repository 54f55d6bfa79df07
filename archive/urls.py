from django.urls import path

from archive import views
from archive.feeds import SearchFeed

app_name = "web"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("suggest", views.suggest, name="suggest"),
    path("feed/", SearchFeed(), name="feed"),
    path("articles/<int:pk>/", views.article_detail, name="article-noslug"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="article"),
    path("outlets/<str:slug>/", views.outlet_detail, name="outlet"),
    path("authors/<str:slug>/", views.author_detail, name="author"),
    path("tags/<str:kind>/<str:slug>/", views.tag_detail, name="tag"),
]
