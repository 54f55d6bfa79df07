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


def semantic_extra_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``SEARCH_SEMANTIC=1`` without the ``semantic`` extra is an error, said at start."""
    from search.semantic import semantic_missing

    if not settings.SEARCH_SEMANTIC or not semantic_missing():
        return []
    return [
        checks.Error(
            f"SEARCH_SEMANTIC is on but the semantic extra is not installed "
            f"(missing: {', '.join(semantic_missing())}).",
            hint="pip install '.[semantic]' (see the README), or set SEARCH_SEMANTIC=0.",
            id="search.E002",
        )
    ]
