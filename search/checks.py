"""System checks (``manage.py check``, and before migrate and runserver)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def index_directory_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A Whoosh index on a network filesystem (shared by machines) is an error."""
    if settings.SEARCH_BACKEND != "whoosh":
        return []
    from search.backends.whoosh.sharing import refuse_shared_directory

    try:
        refuse_shared_directory(settings.SEARCH_INDEX_DIR)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="search.E001")]
    return []
