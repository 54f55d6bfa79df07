"""Paths of the archive's pages, each reversed once per process.

A search page links about 150 outlet, author, tag, story and article pages, and the API
gives each hit its page's address; Django's ``reverse`` walks the URL patterns every
time (about 20 µs a link). The same links come back search after search, so each is
reversed once per URL configuration (a request's or the site's) and script prefix, then
read from memory.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

LINKS_KEPT = 20_000  # about 200 bytes each


def page_path(name: str, **kwargs) -> str:
    """``reverse(name, kwargs=kwargs)``, remembered."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF  # a request's own, else the site's
    return _reversed(name, tuple(sorted(kwargs.items())), urlconf, get_script_prefix())


@lru_cache(maxsize=LINKS_KEPT)
def _reversed(name: str, kwargs: tuple, urlconf, prefix: str) -> str:
    # ``prefix`` is in the key only: reverse reads the script prefix itself.
    return reverse(name, kwargs=dict(kwargs), urlconf=urlconf)
