"""The archive's one port to what follows its articles: the search index, when installed.

The ORM's own signals already tell when an article, its byline or its tags are saved or
deleted. ``articles_changed`` tells what they cannot: articles written without them
(``bulk_create``, ``QuerySet.update()``) or to be indexed again. The archive sends it
through ``announce`` and knows nothing of who listens; ``search.signals`` queues the
ids in the search outbox, in the sender's transaction.
"""

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS
from django.dispatch import Signal

from archive.models import Article

# Sent with ``ids`` (article ids, a list) and ``using`` (the database alias).
articles_changed = Signal()


def announce(ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Tell the listeners that these articles changed (and were stored without signals)."""
    ids = [int(pk) for pk in ids if pk is not None]
    if ids:
        articles_changed.send(sender=Article, ids=ids, using=using)
