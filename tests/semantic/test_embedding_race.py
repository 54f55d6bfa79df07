"""An article edited while its batch is being written keeps its new text pending.

PostgreSQL only: there another connection may write between the batch's last read of
the texts and its write. On SQLite the batch's transaction is IMMEDIATE (it holds the
write lock from its first statement), so an edit waits for the batch whatever it does.
"""

import threading

import pytest
from django.db import connection, connections

from archive.models import Article
from search.models import ArticleEmbedding
from search.semantic import embed_pending, semantic_backlog, store
from search.semantic.passages import article_text, text_hash
from tests.factories import make_article
from tests.semantic.test_embedding import NUCLEAR

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("semantic"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL race"),
]
EDITED = "Pyongyang gives up its bomb"


class Editor(threading.Thread):
    """Another connection: edits the article's title, then marks its embedding stale
    (what indexing the edit does), and ends; with ``delete``, deletes the article."""

    def __init__(self, pk: int, *, delete: bool = False):
        super().__init__(daemon=True)
        self.pk, self.pid, self.started_sql = pk, None, threading.Event()
        self.delete, self.error = delete, None

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.started_sql.set()
            if self.delete:
                Article.objects.filter(pk=self.pk).delete()
            else:
                Article.objects.filter(pk=self.pk).update(title=EDITED)
                store.mark_stale([self.pk])
        except Exception as error:
            self.error = error
        finally:
            self.started_sql.set()
            connections.close_all()

    def finished_or_blocked(self) -> bool:
        """Done, or waiting for a lock another connection holds (checked, not timed)."""
        if not self.is_alive():
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [self.pid])
            return cursor.fetchone()[0]


def _edit_after_the_last_read(monkeypatch, pk: int, *, delete: bool = False) -> Editor:
    """The batch's texts as read inside its transaction, then the edit from another
    connection before the batch writes."""
    editor = Editor(pk, delete=delete)
    read = store._texts

    def texts(ids, **kwargs):
        found = read(ids, **kwargs)
        if connection.in_atomic_block and not editor.is_alive() and editor.pid is None:
            editor.start()
            editor.started_sql.wait(60)
            for _ in range(600_000):  # a bound, so a broken lock fails rather than hangs
                if editor.finished_or_blocked():
                    break
        return found

    monkeypatch.setattr(store, "_texts", texts)
    return editor


def test_an_edit_between_the_read_and_the_write_stays_pending(monkeypatch):
    article = make_article(*NUCLEAR)
    ArticleEmbedding.objects.all().delete()  # embedded by the save: pending again
    editor = _edit_after_the_last_read(monkeypatch, article.pk)
    embed_pending()
    editor.join(60)
    assert not editor.is_alive()
    assert Article.objects.get(pk=article.pk).title == EDITED
    monkeypatch.undo()
    embed_pending()  # whatever the first run left (it may have embedded the edit itself)
    assert semantic_backlog() == 0
    article.refresh_from_db()
    assert ArticleEmbedding.objects.get(article=article).text_hash == text_hash(
        article_text(article)
    )


def test_an_article_deleted_while_its_batch_is_written_is_deleted(monkeypatch):
    """The person deleting wins: no deadlock, no error, and the rest of the batch is kept."""
    gone, kept = make_article(*NUCLEAR), make_article("Rice harvest", "Farmers brought in rice.")
    embed_pending()
    Article.objects.filter(pk__in=[gone.pk, kept.pk]).update(title="Retitled")
    store.mark_stale([gone.pk, kept.pk])
    editor = _edit_after_the_last_read(monkeypatch, gone.pk, delete=True)
    embed_pending()
    editor.join(60)
    assert not editor.is_alive() and editor.error is None
    assert not Article.objects.filter(pk=gone.pk).exists()
    assert list(ArticleEmbedding.objects.values_list("article_id", flat=True)) == [kept.pk]
    assert semantic_backlog() == 0
