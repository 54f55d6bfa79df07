"""evaluate_relevance's embeddings, kept between throwaway archives by text hash."""

import pytest

from search.evaluation.embeddings import collection_embed
from search.models import ArticleEmbedding
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("semantic")]


def test_a_rerun_takes_the_vectors_from_the_cache(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    make_article("Wheat harvest beats forecasts", "Farmers brought in more grain.")
    make_article("Envoys agree on disarmament", "The talks settled on steps.")
    assert collection_embed("tiny") == 2
    before = dict(ArticleEmbedding.objects.values_list("article_id", "vectors"))
    ArticleEmbedding.objects.all().delete()  # as a new throwaway archive has none
    assert collection_embed("tiny") == 0
    after = dict(ArticleEmbedding.objects.values_list("article_id", "vectors"))
    assert {k: bytes(v) for k, v in after.items()} == {k: bytes(v) for k, v in before.items()}
