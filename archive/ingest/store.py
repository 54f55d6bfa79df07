"""The one-article writer: carries out any plan (``plan.py``) in a savepoint of its own.

It is the path for updates and duplicates, for a chunk's items when the chunk's insert
fails, and for single articles (the API, the seeds). ``bulk.ChunkWriter`` writes the
plainly new articles of a chunk together.
"""

from dataclasses import dataclass

from django.db import DatabaseError, DataError, IntegrityError, transaction

from archive.ingest.articletext import article_text_apply, measure, over_limits
from archive.ingest.copies import signatures_replace
from archive.ingest.dedupe import signature
from archive.ingest.draft import ArticleDraft, IngestError
from archive.ingest.plan import (
    Columns,
    Outcome,
    Plan,
    Refs,
    Stored,
    draft_digest,
    identify,
    plan_create,
    plan_stored,
)
from archive.ingest.state import RunState
from archive.ingest.vocabulary import VocabularyCache
from archive.models import Article, ArticleAuthor, ImportBatch
from archive.signals import announce

# What an insert or update may raise for the data of one item: a value the database will
# not take (DataError), a string or number its driver cannot send (sqlite3's
# UnicodeEncodeError, psycopg's ValueError, an OverflowError). Any DatabaseError makes a
# chunk retry its items one by one; only these then fail the item alone (an unreachable
# database still fails the run).
DATA_FAILURES = (DataError, ValueError, OverflowError)
INSERT_FAILURES = (DatabaseError, ValueError, OverflowError)


@dataclass(frozen=True)
class StoreResult:
    outcome: Outcome
    article: Article
    linked: bool = False  # created as a near-duplicate of another article


def validate(draft: ArticleDraft) -> None:
    """Raise IngestError when a draft cannot become an article."""
    if not draft.title.strip():
        raise IngestError("missing title")
    if not draft.body.strip():
        raise IngestError("missing body (no text left after cleaning)")
    if draft.url and len(draft.url) > 1000:
        raise IngestError("url longer than 1000 characters")
    problem = over_limits(
        title=draft.title, body=draft.body, authors=len(draft.authors), tags=len(draft.tags)
    )
    if problem:
        raise IngestError(problem)


def refs_for(vocabulary: VocabularyCache, draft: ArticleDraft) -> Refs:
    """The outlet, authors and tags the draft names, found or created."""
    outlet = vocabulary.outlet(draft.outlet, draft.outlet_hints)
    return Refs(
        outlet_id=outlet.pk if outlet is not None else None,
        author_ids=vocabulary.author_ids(draft.authors),
        tag_ids=vocabulary.tag_ids(draft.tags),
    )


def match_id(state: RunState, draft: ArticleDraft, digest: str) -> int | None:
    """Id of the article this draft is (same url, external id or text), if any; a
    negative id is one planned in the current chunk. Creates nothing."""
    outlet = state.vocabulary.find_outlet(draft.outlet, draft.outlet_hints)
    external = None
    # An outlet named but not yet created has no articles to match.
    if draft.external_id and (outlet is not None or not draft.outlet.strip()):
        external = (outlet.pk if outlet else None, draft.external_id)
    return state.known.match(url=draft.url, external=external, digest=digest)


def index_later(article_ids: list[int]) -> None:
    """Announce articles stored without signals, so that the search index follows them."""
    announce(article_ids)


def remember(state: RunState, article: Article, plan: Plan) -> None:
    """A new article: known from now on, and a candidate copy (unless its source
    states its link)."""
    state.known.add(article)
    if plan.candidate:
        state.near.add(article.pk, plan.signature, plan.twin_id, published=article.published)


def _load(pk: int | None) -> Article | None:
    return Article.objects.filter(pk=pk).first() if pk is not None else None


def _stored_article(state: RunState, draft: ArticleDraft, digest: str) -> Article | None:
    """The stored article this draft is: same url, same external id, or same text."""
    pk = match_id(state, draft, digest)
    article = _load(pk)
    if article is None and pk is not None:
        state.reset()  # another process deleted it; start again from the database
        return _stored_article(state, draft, digest)
    return article


def _stored(article: Article) -> Stored:
    return Stored(
        id=article.pk,
        columns=Columns.of(article),
        author_ids=tuple(article.author_links.values_list("author_id", flat=True)),
        tag_ids=frozenset(article.tags.values_list("pk", flat=True)),
    )


def _create(plan: Plan, state: RunState, batch: ImportBatch | None) -> StoreResult:
    article = Article(import_batch=batch, duplicate_of_id=plan.twin_id, **vars(plan.columns))
    # bulk_create skips the per-save signals, which cost more than the insert itself.
    Article.objects.bulk_create([article])
    _write_byline(article, plan.author_ids)
    if plan.tag_ids:
        Through = Article.tags.through
        Through.objects.bulk_create(Through(article_id=article.pk, tag_id=t) for t in plan.tag_ids)
    state.near.signatures_store([(article.pk, article.content_hash, plan.signature)])
    index_later([article.pk])
    remember(state, article, plan)
    state.near.settle()  # a copy published before its group's original leads it
    return StoreResult(Outcome.CREATED, article, linked=plan.twin_id is not None)


def _write_byline(article: Article, author_ids: tuple[int, ...]) -> None:
    """One INSERT (no per-row signals: the caller queues the article for the index)."""
    if author_ids:
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author_id=pk, position=i)
            for i, pk in enumerate(author_ids)
        )


def _update(plan: Plan, article: Article) -> StoreResult:
    new_text = plan.columns.content_hash != article.content_hash
    plan.columns.apply(article)
    if plan.save:
        article.save()
    if new_text:
        signatures_replace([(article.pk, article.content_hash, signature(article.body))])
    if plan.author_ids is not None:
        ArticleAuthor.objects.filter(article=article).delete()
        _write_byline(article, plan.author_ids)
        index_later([article.pk])
    if plan.tag_ids:
        article.tags.add(*plan.tag_ids)
    return StoreResult(plan.outcome, article)


def _store(draft: ArticleDraft, batch: ImportBatch | None, state: RunState) -> StoreResult:
    measures = draft.measured or measure(draft.body)
    digest = draft_digest(draft, measures)
    article, twin_id = _stored_article(state, draft, digest), None
    if article is not None:
        identity = identify(draft, digest, article)
        digest = identity.digest
        if identity.twin_id is not None:  # another document with this text
            twin_id = identity.twin_id
            article = _load(state.known.by_hash(digest))
    refs = refs_for(state.vocabulary, draft)
    if article is None:
        plan = plan_create(
            draft,
            digest=digest,
            measures=measures,
            refs=refs,
            rules=state.vocabulary.rules,
            twin_of=state.near.twin_of,
            twin_id=twin_id,
        )
        return _create(plan, state, batch)
    plan = plan_stored(draft, stored=_stored(article), digest=digest, measures=measures, refs=refs)
    return _update(plan, article)


def _store_fresh(draft: ArticleDraft, batch: ImportBatch | None, state: RunState) -> StoreResult:
    """``_store``, and once more from the database when the article met a stored one.

    What the run knows was read earlier: another import running at the same time may
    have stored this very item since (same text, url or external id). The insert then
    conflicts, and the item is that stored article (a duplicate or an update) rather
    than a failure.
    """
    mark = state.journal.mark()
    try:
        with transaction.atomic():
            return _store(draft, batch, state)
    except IntegrityError:
        state.journal.undo(mark)
        state.reset()
    return _store(draft, batch, state)


def article_store(
    *, draft: ArticleDraft, batch: ImportBatch | None = None, state: RunState | None = None
) -> StoreResult:
    """Create the article, or update the one it already is.

    Everything happens in one transaction (a savepoint when called inside a chunk): a
    failure leaves nothing of this article behind, in the database or in ``state``.
    """
    validate(draft)
    state = state or RunState()
    mark = state.journal.mark()
    try:
        with transaction.atomic():
            return _store_fresh(draft, batch, state)
    except IntegrityError as exc:
        state.journal.undo(mark)
        raise IngestError(f"conflicts with a stored article ({exc})") from exc
    except DATA_FAILURES as exc:
        state.journal.undo(mark)
        message = f"{type(exc).__name__}: {exc}"[:300]
        raise IngestError(f"the database could not store it ({message})") from exc
    except BaseException:
        state.journal.undo(mark)
        raise


def article_rebody(*, article: Article, body: str) -> Article:
    """Give a stored article a new clean body (after cleaning again)."""
    if not body.strip():
        raise IngestError("no text left after cleaning")
    article_text_apply(article, body=body)
    try:
        with transaction.atomic():
            article.save(update_fields=["body", "content_hash", "word_count", "updated_at"])
    except IntegrityError as exc:
        raise IngestError(f"the cleaned text is the same as another article's ({exc})") from exc
    return article
