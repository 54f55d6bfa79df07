"""The fast path for new articles: plan a chunk, insert it with a few statements.

A chunk is one transaction. Drafts that are plainly new are planned in memory and
inserted together (articles, bylines, tags, index outbox) inside a savepoint; if that
insert fails, the savepoint is rolled back and the same drafts go through
``article_store`` one savepoint each, so one bad item still loses nothing else. Drafts
that match a stored article (updates, duplicates) always take that per-article path.
Either way a crash rolls back the open chunk whole: never half an article.
"""

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.db import connection, transaction

from archive.ingest.articletext import measure
from archive.ingest.draft import ArticleDraft, IngestError, Vocabulary
from archive.ingest.plan import Outcome, Plan, draft_digest, plan_create
from archive.ingest.state import RunState
from archive.ingest.store import (
    INSERT_FAILURES,
    StoreResult,
    article_store,
    index_later,
    match_id,
    refs_for,
    remember,
    validate,
)
from archive.models import Article, ArticleAuthor, ImportBatch

# (file, draft, result or error message)
Report = Callable[[str, ArticleDraft, StoreResult | None, str], None]
_keys = itertools.count(1)
# Rows per multi-row INSERT: well under SQLite's and PostgreSQL's limits on query parameters.
_ROWS_PER_INSERT = 400


@dataclass
class _Pending:
    """A planned article waiting for its chunk's insert, known meanwhile by ``key``."""

    file: str
    draft: ArticleDraft
    plan: Plan
    article: Article
    key: int


class ChunkWriter:
    """Writes one chunk of drafts; call ``add`` for each, then ``finish``."""

    def __init__(self, *, state: RunState, batch: ImportBatch | None, report: Report):
        self.state = state
        self.batch = batch
        self.report = report
        self.pending: list[_Pending] = []

    def prepare(self, drafts: Iterable[ArticleDraft | Vocabulary]) -> None:
        """Create first the vocabulary of the chunk's storable drafts, in the one order
        every import follows (``VocabularyCache.prepare``)."""
        drafts = [draft for draft in drafts if _storable(draft)]
        self.state.vocabulary.prepare(drafts)
        # The stored articles the chunk's drafts may be, and their candidate copies, in a
        # few queries rather than a few per article.
        articles = [draft for draft in drafts if isinstance(draft, ArticleDraft)]
        measured = [(draft, draft.measured or measure(draft.body)) for draft in articles]
        self.state.known.prefetch(
            (draft.url, draft.external_id, draft_digest(draft, m)) for draft, m in measured
        )
        self.state.near.prefetch(m.signature for _, m in measured)

    def add(self, file: str, draft: ArticleDraft | Vocabulary) -> None:
        if isinstance(draft, Vocabulary):
            self.state.vocabulary.ensure(draft)
            return
        try:
            validate(draft)
            self.describe_outlet(draft)
            measures = draft.measured or measure(draft.body)
            digest = draft_digest(draft, measures)
            if match_id(self.state, draft, digest) is not None:
                self.add_one(file, draft)  # an update, a duplicate or a twin with its own id
                return
            plan = plan_create(
                draft,
                digest=digest,
                measures=measures,
                refs=refs_for(self.state.vocabulary, draft),
                rules=self.state.vocabulary.rules,
                # A pending article's key when its original waits in this chunk too:
                # linked by ``_insert`` once that one has its id.
                twin_of=self.state.near.twin_of,
            )
            self._queue(file, draft, plan)
        except IngestError as exc:
            self.report(file, draft, None, str(exc))

    def describe_outlet(self, draft: ArticleDraft) -> None:
        """Give the draft's outlet the metadata the source states (homepage, domain, …)."""
        if draft.outlet_details and draft.outlet.strip():
            self.state.vocabulary.describe_outlet(draft.outlet, dict(draft.outlet_details))

    def _queue(self, file: str, draft: ArticleDraft, plan: Plan) -> None:
        article = Article(
            import_batch=self.batch, duplicate_of_id=plan.twin_id, **vars(plan.columns)
        )
        key = -next(_keys)
        self.state.known.add(article, key)
        if plan.candidate:
            self.state.near.add(key, plan.signature, plan.twin_id, published=article.published)
        self.pending.append(_Pending(file, draft, plan, article, key))

    def add_one(self, file: str, draft: ArticleDraft | Vocabulary) -> None:
        """Write this draft on its own, in a savepoint (after what is pending)."""
        if isinstance(draft, Vocabulary):
            self.state.vocabulary.ensure(draft)
            return
        self.flush()
        self.describe_outlet(draft)
        try:
            result = article_store(draft=draft, batch=self.batch, state=self.state)
        except IngestError as exc:
            self.report(file, draft, None, str(exc))
            return
        self.report(file, draft, result, "")

    def flush(self) -> None:
        """Insert what is pending; on failure, store the same drafts one by one."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                _insert(pending, self.state)
        except INSERT_FAILURES:
            for item in pending:
                item.article.pk = None
                self._settle(item)
            for item in pending:
                self.add_one(item.file, item.draft)
            return
        for item in pending:
            self._settle(item)
        self.state.near.settle()  # a copy published before its group's original leads it
        for item in pending:
            result = StoreResult(Outcome.CREATED, item.article, item.plan.twin_id is not None)
            self.report(item.file, item.draft, result, "")

    def _settle(self, item: _Pending) -> None:
        """The pending article was inserted (it has a pk now) or abandoned."""
        self.state.known.forget(item.article, item.key)
        self.state.near.discard(item.key, stored_as=item.article.pk)
        if item.article.pk:
            # Its original has its id by now (``_insert``): remembered under it.
            plan = replace(item.plan, twin_id=item.article.duplicate_of_id)
            remember(self.state, item.article, plan)

    finish = flush


def _storable(draft: ArticleDraft | Vocabulary) -> bool:
    if isinstance(draft, Vocabulary):
        return True
    try:
        validate(draft)
    except IngestError:
        return False
    return True


def _insert(pending: list[_Pending], state: RunState) -> None:
    # A copy of an article inserted with it points at it once the ids are known: inserting
    # its original first would cost a round of statements per such copy.
    later = [item for item in pending if (item.plan.twin_id or 0) < 0]
    for item in later:
        item.article.duplicate_of_id = None
    Article.objects.bulk_create([item.article for item in pending])
    _link_to_chunk_originals(later, {item.key: item.article.pk for item in pending})
    ArticleAuthor.objects.bulk_create(
        (
            ArticleAuthor(article_id=item.article.pk, author_id=author_id, position=position)
            for item in pending
            for position, author_id in enumerate(item.plan.author_ids)
        ),
        # SQLite batches by itself; PostgreSQL would take a chunk's whole byline (up to
        # 250 x 100 rows) in one statement, past its 65,535 parameters when bound by the server.
        batch_size=_ROWS_PER_INSERT,
    )
    _insert_tag_links([(item.article.pk, tag) for item in pending for tag in item.plan.tag_ids])
    state.near.signatures_store(
        (item.article.pk, item.article.content_hash, item.plan.signature) for item in pending
    )
    index_later([item.article.pk for item in pending])


def _link_to_chunk_originals(copies: list[_Pending], ids: dict[int, int]) -> None:
    by_original: dict[int, list[int]] = {}
    for item in copies:
        item.article.duplicate_of_id = ids[item.plan.twin_id]
        by_original.setdefault(item.article.duplicate_of_id, []).append(item.article.pk)
    for original, pks in by_original.items():
        Article.objects.filter(pk__in=pks).update(duplicate_of_id=original)


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
