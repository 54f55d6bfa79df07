"""Nearest articles: the process's copy follows the table; exact and approximate agree."""

import time

import numpy as np
import pytest

from search.models import ArticleEmbedding
from search.semantic import embed_pending, nearest, query_vector
from search.semantic import vectors as store
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("semantic")]


def test_the_copy_follows_new_edited_and_deleted_articles():
    grain = make_article("Grain exports rise", "Wheat and maize shipments grew in March.")
    embed_pending()
    assert [i for i, _ in nearest("cereal trade", 5)] == [grain.pk]
    oil = make_article("Oil prices fall", "Crude dropped as OPEC output rose.")
    embed_pending()
    assert nearest("petroleum market", 1)[0][0] == oil.pk
    grain.body = "The central bank raised interest rates by half a point."
    grain.save()
    ArticleEmbedding.objects.filter(article=grain).update(stale=True)
    embed_pending()
    assert nearest("monetary policy", 1)[0][0] == grain.pk
    oil.delete()
    assert [i for i, _ in nearest("petroleum market", 5)] == [grain.pk]


def test_a_question_vector_is_a_unit_vector():
    vector = query_vector("interest rates")
    assert vector.shape == (384,) and vector.dtype == np.float32
    assert abs(float(np.linalg.norm(vector)) - 1) < 1e-5
    assert nearest(vector, 3) == []  # nothing embedded yet


def test_the_approximate_index_answers_as_the_exact_product(monkeypatch):
    texts = [
        ("Grain exports rise", "Wheat shipments grew."),
        ("Oil prices fall", "Crude dropped."),
        ("Bank raises rates", "Interest rates went up."),
        ("Car sales slow", "Fewer vehicles were sold."),
    ]
    for title, body in texts:
        make_article(title, body)
    embed_pending()
    monkeypatch.setattr(store, "EXACT_LIMIT", 2)
    vectors = store.current_vectors()
    deadline = time.monotonic() + 30
    while not vectors.approximate.ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert vectors.approximate is not None and vectors.approximate.ready  # not the fallback
    question = query_vector("petroleum")
    exact = store.nearest_in(vectors, question, 2, exact=True)
    found = store.nearest_in(vectors, question, 2)
    assert [i for i, _ in found] == [i for i, _ in exact]
    assert found[0][1] == pytest.approx(exact[0][1], abs=1e-5)
