"""Fixtures for the browser pages: the seed articles, loaded and indexed."""

import pytest

from archive.models import Article
from archive.seeds import seeds_load
from search.outbox import outbox_drain


def index_all() -> None:
    """Apply the index changes the saves queued (their after-commit hook does not run
    inside a test's transaction)."""
    outbox_drain()


@pytest.fixture
def seeded(db):
    """The five seed articles, in the database and in a fresh index."""
    seeds_load()
    index_all()
    return {a.outlet.slug: a for a in Article.objects.select_related("outlet")}
