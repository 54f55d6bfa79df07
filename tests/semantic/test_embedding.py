"""Embedding articles: the backlog, the hash that keys it, edits and deletes."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Article
from search import semantic
from search.models import ArticleEmbedding
from search.semantic import embed_pending, nearest, semantic_backlog
from tests.factories import make_article

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("semantic")]

NUCLEAR = (
    "North Korea agrees to dismantle its atomic weapons",
    "Envoys meeting in Geneva settled on steps to give up the warheads and close the reactor.",
)
HARVEST = (
    "Wheat harvest beats forecasts",
    "Farmers in Kansas brought in more grain than expected after a wet spring.",
)


def test_a_paraphrase_finds_its_article():
    atomic = make_article(*NUCLEAR)
    make_article(*HARVEST)
    embed_pending()
    found = nearest("denuclearization talks", 2)
    assert found[0][0] == atomic.pk
    assert found[0][1] > found[1][1]


def test_backlog_counts_articles_without_current_embeddings():
    make_article(*NUCLEAR)
    make_article(*HARVEST)
    assert semantic_backlog() == 2
    assert embed_pending(limit=1) == 1
    assert semantic_backlog() == 1
    assert embed_pending() == 1
    assert semantic_backlog() == 0


def test_embedding_again_encodes_nothing():
    make_article(*NUCLEAR)
    assert embed_pending() == 1
    assert embed_pending() == 0


def test_an_edit_reembeds_only_when_the_text_changed():
    article = make_article(*NUCLEAR)
    embed_pending()
    semantic.store.mark_stale([article.pk])  # what indexing a changed article does
    assert semantic_backlog() == 1
    assert embed_pending() == 0  # same text: marked current, not encoded
    assert semantic_backlog() == 0
    article.title = "Pyongyang gives up its bomb"
    article.save()
    semantic.store.mark_stale([article.pk])
    assert embed_pending() == 1
    assert nearest("denuclearization", 1)[0][0] == article.pk


def test_a_deleted_article_leaves_no_embedding():
    article = make_article(*NUCLEAR)
    other = make_article(*HARVEST)
    embed_pending()
    assert len(nearest("nuclear weapons", 5)) == 2  # read before the delete
    article.delete()
    assert not ArticleEmbedding.objects.filter(article_id=article.pk).exists()
    assert [i for i, _ in nearest("nuclear weapons", 5)] == [other.pk]


def test_among_restricts_the_candidates():
    make_article(*NUCLEAR)
    harvest = make_article(*HARVEST)
    embed_pending()
    assert [i for i, _ in nearest("nuclear weapons", 5, among=[harvest.pk])] == [harvest.pk]
    assert nearest("nuclear weapons", 5, among=[]) == []


def _encoder_failing_on(monkeypatch, word):
    """The real encoder, raising for a text with ``word`` as it would on a text it cannot
    read (nothing found here makes the model itself fail)."""
    from search.semantic import model

    real = model.encode

    def encode(texts):
        if any(word in text for text in texts):
            raise RuntimeError(f"cannot encode {word}")
        return real(texts)

    monkeypatch.setattr(model, "encode", encode)


def test_an_article_the_encoder_fails_on_does_not_hold_up_the_others(monkeypatch, caplog):
    _encoder_failing_on(monkeypatch, "Poison")
    bad = make_article("Poison pen letter", "An unreadable text.")
    good = make_article(*NUCLEAR)
    assert embed_pending() == 1  # the batch failed, then each article alone
    assert semantic_backlog() == 0  # the failed one is set aside, not retried for ever
    assert [i for i, _ in nearest("denuclearization", 5)] == [good.pk]
    assert f"Article {bad.pk} not embedded" in caplog.text
    assert embed_pending() == 0
    semantic.store.mark_stale([bad.pk])  # reindexed, text unchanged: not tried again
    assert embed_pending() == 0 and semantic_backlog() == 0
    bad.title = "A pen letter"  # a changed text is tried again
    bad.save()
    semantic.store.mark_stale([bad.pk])
    assert embed_pending() == 1
    assert {i for i, _ in nearest("letter", 5)} == {bad.pk, good.pk}


def test_an_article_set_aside_is_counted_apart_from_the_embedded(monkeypatch, capsys, admin_client):
    _encoder_failing_on(monkeypatch, "Poison")
    make_article("Poison pen letter", "An unreadable text.")
    make_article(*NUCLEAR)
    embed_pending()
    line = (
        "1 article embedded, 1 set aside (the encoder failed; tried again when edited), 0 waiting"
    )
    call_command("search_index", "stats")
    assert f"semantic:       {line}" in capsys.readouterr().out
    assert line in admin_client.get(reverse("admin:archive_search_index")).content.decode()


def test_an_article_edited_while_the_encoder_failed_on_it_is_tried_again(monkeypatch):
    from search.semantic import model

    bad = make_article("Poison pen letter", "An unreadable text.")
    real = model.encode

    def encode(texts):  # fails on the first text, and meanwhile someone fixes it
        if any("Poison" in text for text in texts):
            Article.objects.filter(pk=bad.pk).update(title="A pen letter")
            semantic.store.mark_stale([bad.pk])
            raise RuntimeError("cannot encode Poison")
        return real(texts)

    monkeypatch.setattr(model, "encode", encode)
    assert embed_pending() == 1  # the new text, not set aside with the text that failed
    assert semantic_backlog() == 0
    assert [i for i, _ in nearest("letter", 1)] == [bad.pk]
