"""Indexing hands the articles to the worker: nothing is embedded in the import itself."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from search.models import ArticleEmbedding
from search.semantic import semantic_backlog
from tests.factories import make_article

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("semantic")]


def test_saving_an_article_queues_its_embedding_for_the_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_article("Fishing quotas agreed", "Ministers settled the catch limits.")
    assert ArticleEmbedding.objects.count() == 0  # not in the request
    assert DBTaskResult.objects.filter(task_path__endswith="embed_pending_task").count() == 1
    assert semantic_backlog() == 1


def test_an_edit_marks_the_embedding_stale_until_the_worker_reads_it(settings):
    article = make_article("Fishing quotas agreed", "Ministers settled the catch limits.")
    assert ArticleEmbedding.objects.filter(article=article, stale=False).exists()  # ran at once
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    article.body = "Ministers could not agree on catch limits."
    article.save()
    assert ArticleEmbedding.objects.get(article=article).stale
    assert semantic_backlog() == 1


def test_stats_show_the_backlog(capsys):
    call_command("search_index", "stats")
    out = capsys.readouterr().out
    assert "semantic:       0 articles embedded, 0 waiting for the worker" in out


def test_a_large_backlog_is_embedded_as_a_chain_of_short_tasks(settings, monkeypatch):
    monkeypatch.setattr("search.tasks.EMBED_TASK_LIMIT", 1)
    settings.SEARCH_SEMANTIC = False  # imported while no worker embeds
    make_article("Fishing quotas agreed", "Ministers settled the catch limits.")
    make_article("Harbour reopens", "Ships may dock again after the storm.")
    settings.SEARCH_SEMANTIC = True
    from search.tasks import embed_pending_task

    embed_pending_task.enqueue()  # the immediate backend runs the chain at once
    assert ArticleEmbedding.objects.count() == 2
    assert semantic_backlog() == 0


def test_an_edit_made_while_semantic_is_off_leaves_the_embedding_stale(settings):
    article = make_article("Fishing quotas agreed", "Ministers settled the catch limits.")
    assert ArticleEmbedding.objects.filter(article=article, stale=False).exists()
    settings.SEARCH_SEMANTIC = False
    article.body = "Ministers could not agree on catch limits."
    article.save()  # the immediate backend drains the outbox at once
    assert ArticleEmbedding.objects.get(article=article).stale
    assert semantic_backlog() == 1
