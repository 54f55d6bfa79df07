"""The throwaway archive: its own database and index, gone afterwards."""

import pytest
from django.conf import settings
from django.db import connection

from archive.models import Article
from search.evaluation.archive import EvaluationError, throwaway_archive
from search.evaluation.evaluate import backends_for
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def test_throwaway_archive_is_empty_inside_and_gone_after():
    make_article("My own article")
    configured_index = settings.SEARCH_INDEX_DIR

    with throwaway_archive(backend="whoosh") as folder:
        name = connection.settings_dict["NAME"]
        assert Article.objects.count() == 0
        assert folder / "index" == settings.SEARCH_INDEX_DIR

    assert not folder.exists()
    assert configured_index == settings.SEARCH_INDEX_DIR
    assert Article.objects.count() == 1
    if connection.vendor == "postgresql":
        assert name.startswith("archive_eval_")
        assert not _database_exists(name)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
    reason="the suite runs on PostgreSQL",
)
def test_the_postgres_backend_needs_postgresql():
    with pytest.raises(EvaluationError, match="needs PostgreSQL"):
        backends_for("postgres")
    assert backends_for("all") == ["whoosh"]
