"""The fast path for new articles: plan a chunk, insert it with a few statements.

A chunk is one transaction. Drafts that are plainly new are planned in memory and
inserted together (articles, bylines, tags, index outbox) inside a savepoint; if that
insert fails, the savepoint is rolled back and the same drafts go through
``article_store`` one savepoint each, so one bad item still loses nothing else. Drafts
that match a stored article (updates, duplicates) always take that per-article path.
Either way a crash rolls back the open chunk whole: never half an article.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from archive.ingest.dedupe import sketch
from archive.ingest.draft import ArticleDraft, IngestError, Vocabulary
from archive.ingest.normalize import content_hash
from archive.ingest.resolve import Resolver
from archive.ingest.store import (
    Outcome,
    StoreResult,
    article_store,
    draft_identity,
    fill,
    index_later,
    salted_hash,
    validate,
)
from archive.models import Article, ArticleAuthor, ImportBatch

# (file, draft, result or error message)
Report = Callable[[str, ArticleDraft, StoreResult | None, str], None]
_keys = itertools.count(1)
# Rows per multi-row INSERT: well under SQLite's limit on query parameters.
_ROWS_PER_INSERT = 400


@dataclass
class _Planned:
    file: str
    draft: ArticleDraft
    article: Article
    key: int
    signature: tuple[int, ...]
    author_ids: list[int]
    tag_ids: set[int]


class ChunkWriter:
    """Writes one chunk of drafts; call ``add`` for each, then ``finish``."""

    def __init__(self, *, resolver: Resolver, batch: ImportBatch | None, report: Report):
        self.resolver = resolver
        self.batch = batch
        self.report = report
        self.planned: list[_Planned] = []

    def add(self, file: str, draft: ArticleDraft | Vocabulary) -> None:
        if isinstance(draft, Vocabulary):
            self.resolver.vocabulary(draft)
            return
        try:
            validate(draft)
            self.describe_outlet(draft)
            digest = _digest(draft)
            match = self.resolver.match_id(draft, digest)
            if match is not None:
                self._slow(file, draft)  # an update, a duplicate or a twin with its own id
                return
            signature = draft.extra.get("sketch") or sketch(draft.body)
            if draft.duplicate_stated:
                # The source says what it is: no detection. A stated duplicate is linked
                # at the end of the run (its original may come later) and is never
                # anyone's original meanwhile.
                twin = None
                signature = () if draft.duplicate_of else signature
            else:
                twin = self.resolver.near_duplicates.twin_of(signature)
                if twin is not None and twin < 0:
                    self.flush()  # the twin is in this chunk: insert it first to link to it
                    twin = self.resolver.near_duplicates.twin_of(signature)
            self._plan(file, draft, digest, signature, twin)
        except IngestError as exc:
            self.report(file, draft, None, str(exc))

    def describe_outlet(self, draft: ArticleDraft) -> None:
        """Give the draft's outlet the metadata the source states (homepage, domain, …)."""
        if draft.outlet_details and draft.outlet.strip():
            self.resolver.describe_outlet(draft.outlet, dict(draft.outlet_details))

    def _plan(self, file, draft, digest, signature, twin) -> None:
        resolver = self.resolver
        article = Article(import_batch=self.batch, duplicate_of_id=twin)
        fill(article, draft, digest, resolver)
        authors = list(dict.fromkeys(resolver.author(name).pk for name in draft.authors))
        tags = {resolver.tag(ref).pk for ref in draft.tags}
        tags.update(tag.pk for tag in resolver.rules.tags_for(article.title, article.body))
        key = -next(_keys)
        resolver.plan(article, key, signature)
        self.planned.append(_Planned(file, draft, article, key, signature, authors, tags))

    def _slow(self, file: str, draft: ArticleDraft | Vocabulary) -> None:
        if isinstance(draft, Vocabulary):
            self.resolver.vocabulary(draft)
            return
        self.flush()
        self.describe_outlet(draft)
        try:
            result = article_store(draft=draft, batch=self.batch, resolver=self.resolver)
        except IngestError as exc:
            self.report(file, draft, None, str(exc))
            return
        self.report(file, draft, result, "")

    def flush(self) -> None:
        """Insert what is planned; on failure, store the same drafts one by one."""
        planned, self.planned = self.planned, []
        if not planned:
            return
        try:
            with transaction.atomic():
                self._insert(planned)
        except DatabaseError:
            for item in planned:
                item.article.pk = None
                self.resolver.settle(item.key, item.article, item.signature)
            for item in planned:
                self._slow(item.file, item.draft)
            return
        for item in planned:
            self.resolver.settle(item.key, item.article, item.signature)
            linked = item.article.duplicate_of_id is not None
            self.report(
                item.file, item.draft, StoreResult(Outcome.CREATED, item.article, linked), ""
            )

    def _insert(self, planned: list[_Planned]) -> None:
        Article.objects.bulk_create([item.article for item in planned])
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article_id=item.article.pk, author_id=author_id, position=position)
            for item in planned
            for position, author_id in enumerate(item.author_ids)
        )
        _insert_tag_links(
            [(item.article.pk, tag_id) for item in planned for tag_id in item.tag_ids]
        )
        index_later([item.article.pk for item in planned])

    finish = flush


def _digest(draft: ArticleDraft) -> str:
    """The draft's content hash; the salted one its source declares, when it is that.

    An archive salts the hash of the second document with the same text (see
    ``store.salted_hash``). Which one is second depends on the order they came in, so
    an export (in date order) may list them the other way round: keeping the declared
    salted hash, after checking it is the salt of this very text and identity, keeps
    the hashes as they were instead of swapping them.
    """
    digest = draft.extra.get("hash") or content_hash(draft.body)
    declared = draft.declared_hash
    if declared and declared != digest and declared == salted_hash(digest, draft_identity(draft)):
        return declared
    return digest


def _insert_tag_links(rows: list[tuple[int, int]]) -> None:
    """Article-tag rows in multi-row INSERTs: building a model instance per row costs more
    than the insert (these are new articles, so no row can exist already)."""
    through = Article.tags.through._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(through.get_field(name).column) for name in ("article", "tag"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            part = rows[start : start + _ROWS_PER_INSERT]
            values = ", ".join(["(%s, %s)"] * len(part))
            cursor.execute(
                f"INSERT INTO {quote(through.db_table)} ({columns}) VALUES {values}",
                [value for row in part for value in row],
            )
