"""The semantic tests need the ``semantic`` extra; without it they are skipped, saying so."""

import pytest

from search.semantic import semantic_missing


def pytest_collection_modifyitems(config, items):
    missing = semantic_missing()
    if not missing:
        return
    skip = pytest.mark.skip(reason=f"the semantic extra is not installed ({', '.join(missing)})")
    for item in items:
        if "tests/semantic/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def model():
    """The sentence model, loaded once for the session."""
    from search.semantic.model import get_model

    return get_model()


@pytest.fixture
def semantic(settings, model):
    """Meaning-based search on, with the process's copy of the vectors forgotten."""
    from search.semantic.vectors import reset_vectors

    settings.SEARCH_SEMANTIC = True
    reset_vectors()
    yield
    reset_vectors()
