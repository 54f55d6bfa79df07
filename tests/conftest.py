"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeds_dir() -> Path:
    return Path(settings.SEEDS_DIR)


@pytest.fixture
def reuters_dir() -> Path:
    path = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
    if not path.is_dir():
        pytest.skip("Reuters-21578 is not beside the project (../shared/datasets/reuters21578)")
    return path


# Pages and exports are not throttled in tests (the test client is always 127.0.0.1);
# the throttle's own tests set a rate.
@pytest.fixture(autouse=True)
def _no_page_throttle(settings):
    settings.PAGES_ANON_RATE = ""
    settings.EXPORT_ANON_RATE = ""


# Background tasks run at once, in the test's own process (django-tasks' immediate backend);
# the worker's end-to-end tests switch to the database backend and start a real worker.
@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# Search: every test gets its own empty index; none ever touches var/index.
@pytest.fixture(autouse=True)
def _search_index_dir(tmp_path_factory, settings):
    from search.backends.whoosh.store import IndexStore
    from search.service import reset_backends

    settings.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("index")
    reset_backends()
    IndexStore(settings.SEARCH_INDEX_DIR).ensure()  # an empty index, as after a fresh rebuild
    yield settings.SEARCH_INDEX_DIR
    reset_backends()


SEARCH_BACKEND_NAMES = ["whoosh"]
if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    SEARCH_BACKEND_NAMES.append("postgres")  # needs PostgreSQL as the database


@pytest.fixture(params=SEARCH_BACKEND_NAMES)
def search_backend(request, settings):
    """The backend under test, for contract tests run against every backend."""
    from search.service import get_backend, reset_backends

    settings.SEARCH_BACKEND = request.param
    reset_backends()
    backend = get_backend()
    ensure = getattr(backend, "ensure_index", None)
    if ensure:
        ensure()
    return backend
