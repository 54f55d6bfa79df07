"""The search write path's tables: the outbox of pending index changes, and check results."""

from django.db import models
from django.utils import timezone


class IndexChange(models.Model):
    """An article whose index document must be written or removed (the outbox).

    A row is written in the same transaction as the change it records, and deleted
    only after the index has committed the article's state, so a failed index write
    or a killed process loses nothing. Rows are never updated: a drain deletes exactly
    the rows it read, and a change recorded meanwhile gets a new row.
    """

    class Action(models.TextChoices):
        UPSERT = "upsert", "Add or replace"
        DELETE = "delete", "Remove"

    # Not a foreign key: a delete must outlive its article.
    article_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.UPSERT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.action} article {self.article_id}"


class IndexCheck(models.Model):
    """The outcome of one ``search_index check``: what the index lacked or had too much."""

    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    articles = models.PositiveIntegerField(default=0, help_text="Articles in the database.")
    documents = models.PositiveIntegerField(default=0, help_text="Documents in the index.")
    missing = models.JSONField(default=list, help_text="Article ids absent from the index.")
    stale = models.JSONField(default=list, help_text="Article ids indexed at an older version.")
    orphans = models.JSONField(default=list, help_text="Indexed ids with no article.")
    pending = models.PositiveIntegerField(default=0, help_text="Changes waiting in the outbox.")
    fixed = models.BooleanField(default=False, help_text="The differences were repaired.")
    took_ms = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = "checked_at"

    def __str__(self):
        return f"Index check at {self.checked_at:%Y-%m-%d %H:%M}"


class ArticleEmbedding(models.Model):
    """An article's meaning as vectors (``search.semantic``): one per passage of its text.

    One table serves both backends: the vectors depend on the text alone, not on the
    engine, and a rebuild of either index leaves them be. ``text_hash`` is the hash of
    the text embedded, so re-embedding skips an article whose text did not change; an
    edit marks the row ``stale`` until the worker has looked at the new text.
    """

    # Rewritten as a new row (a new id): the count and the highest id tell a process
    # whether its copy of the vectors is old (``search.semantic.vectors``).
    id = models.BigAutoField(primary_key=True)
    article = models.OneToOneField(
        "archive.Article", on_delete=models.CASCADE, related_name="embedding"
    )
    text_hash = models.CharField(max_length=32)
    # float32, little-endian, passages one after another (384 numbers each).
    vectors = models.BinaryField()
    passages = models.PositiveSmallIntegerField()
    stale = models.BooleanField(default=False)
    embedded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Embedding of article {self.article_id}"
