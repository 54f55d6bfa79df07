"""Article counts in the lists of tags, outlets and authors, linked to the articles."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html


def articles_link(count: int, **filters) -> str:
    """``count`` as a link to the article list filtered by ``filters``."""
    if not count:
        return "0"
    query = urlencode(filters)
    url = reverse("admin:archive_article_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, query, count)
