"""The site's pages under /archive/: a URL configuration for tests/archive/test_paths.py."""

from django.urls import include, path

urlpatterns = [path("archive/", include("archive.urls"))]
