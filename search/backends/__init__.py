"""Search backends: one module each, chosen by ``settings.SEARCH_BACKEND``.

A name from ``BACKENDS`` or a dotted path to a ``SearchBackend`` class.
"""

from django.utils.module_loading import import_string

BACKENDS = {
    "whoosh": "search.backends.whoosh.backend.WhooshBackend",
    "postgres": "search.backends.pg.backend.PostgresBackend",
}


def backend_class(name: str):
    return import_string(BACKENDS.get(name, name))
