"""A worker that dies mid-embedding loses nothing and embeds nothing twice."""

import pytest

from search.models import ArticleEmbedding
from search.semantic import embed_pending, model, semantic_backlog, store
from tests.factories import make_article

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("semantic")]


class Killed(BaseException):
    """Stands for the signal that ends the worker (not an Exception: nothing catches it)."""


def test_a_crash_between_batches_keeps_what_was_committed(monkeypatch, settings):
    monkeypatch.setattr(store, "EMBED_BATCH", 2)
    settings.SEARCH_SEMANTIC = False  # imported while no worker embeds
    for n in range(5):
        make_article(f"Report {n}", f"Figures for region {n} were published today.")
    settings.SEARCH_SEMANTIC = True
    encoded: list[str] = []
    real = model.encode

    def encode(texts):
        if encoded:  # the second batch: the worker dies while encoding it
            raise Killed
        encoded.extend(texts)
        return real(texts)

    monkeypatch.setattr(model, "encode", encode)
    with pytest.raises(Killed):
        embed_pending()
    assert ArticleEmbedding.objects.count() == 2
    assert semantic_backlog() == 3

    encoded.clear()
    monkeypatch.setattr(model, "encode", lambda texts: encoded.extend(texts) or real(texts))
    assert embed_pending() == 3
    assert len(encoded) == 3  # the two committed articles were not encoded again
    assert semantic_backlog() == 0
