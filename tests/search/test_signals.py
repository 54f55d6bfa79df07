"""Changes saved outside a transaction are queued before they are written.

Outside a transaction the row commits before ``post_save`` runs, so a crash in between
must not lose the index change: the ``pre_save`` receivers write the outbox row first.
"""

import pytest

from archive.models import ArticleAuthor
from search import signals
from search.models import IndexChange
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db(transaction=True)


class Crash(Exception):
    pass


@pytest.fixture
def crash_after_save(monkeypatch):
    """The process dies between the write and the ``post_save`` receivers' work."""

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(signals, "outbox_record", crash)


def test_an_article_saved_outside_a_transaction_is_queued_before_it_is_written(request):
    article = make_article("Summit in Singapore")
    IndexChange.objects.all().delete()
    request.getfixturevalue("crash_after_save")
    article.title = "Summit in Singapore ends"

    with pytest.raises(Crash):
        article.save()

    assert list(IndexChange.objects.values_list("article_id", flat=True)) == [article.pk]


def test_a_byline_saved_outside_a_transaction_is_queued_before_it_is_written(request):
    article, author = make_article("Summit in Singapore"), make_author("Ann Lee")
    IndexChange.objects.all().delete()
    request.getfixturevalue("crash_after_save")

    with pytest.raises(Crash):
        ArticleAuthor.objects.create(article=article, author=author)

    assert list(IndexChange.objects.values_list("article_id", flat=True)) == [article.pk]
