"""The archive's port: ``announce`` tells the listeners, and search queues the articles."""

import pytest

from archive.models import Article
from archive.signals import announce, articles_changed
from search import outbox
from search.models import IndexChange
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_an_announced_article_is_queued_for_the_index():
    article = make_article()
    IndexChange.objects.all().delete()
    outbox._forget_recorded()  # as a new transaction would
    Article.objects.filter(pk=article.pk).update(title="Changed without a signal")

    announce([article.pk])

    assert list(IndexChange.objects.values_list("article_id", "action")) == [(article.pk, "upsert")]


def test_listeners_get_the_ids_and_the_database():
    heard = []

    def listener(sender, ids, using, **kwargs):
        heard.append((sender, ids, using))

    articles_changed.connect(listener)
    try:
        announce(iter([3, None, 5]))
    finally:
        articles_changed.disconnect(listener)

    assert heard == [(Article, [3, 5], "default")]


def test_announcing_nothing_sends_nothing():
    heard = []
    articles_changed.connect(lambda **kwargs: heard.append(kwargs), weak=False, dispatch_uid="t")
    try:
        announce([])
    finally:
        articles_changed.disconnect(dispatch_uid="t")

    assert heard == []
