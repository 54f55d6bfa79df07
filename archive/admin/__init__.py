"""The admin as a curation tool: one module per model, plus the upload and index pages."""

from django.contrib import admin

from archive.admin import (
    alerts,
    articles,
    authors,
    imports,
    outlets,
    redirects,
    stories,
    tags,
    tokens,
)
from archive.admin.login import LimitedLoginForm

# The home page adds links to the import and search-index pages.
admin.site.index_template = "admin/archive/home.html"
admin.site.site_header = "News archive administration"
admin.site.site_title = "News archive admin"
admin.site.login_form = LimitedLoginForm  # wrong passwords are limited

__all__ = [
    "alerts",
    "articles",
    "authors",
    "imports",
    "outlets",
    "redirects",
    "stories",
    "tags",
    "tokens",
]
