"""Writes one draft to the database, in its own transaction (a savepoint inside a chunk).

Which stored article a draft is, in order: the same url; the same outlet and
external id; the same text (content hash). The same text under a different url or
external id is a distinct document of the same story: it is created and linked to its
twin through ``duplicate_of``, and its content hash is salted with that identity.
"""

import enum
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from archive.ingest.dedupe import sketch
from archive.ingest.draft import ArticleDraft, IngestError
from archive.ingest.normalize import content_hash, word_count
from archive.ingest.resolve import Resolver
from archive.models import Article, ArticleAuthor, ImportBatch
from archive.signals import announce


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


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


def salted_hash(digest: str, identity: str) -> str:
    return hashlib.sha256(f"{digest}\x00{identity}".encode()).hexdigest()


def draft_identity(draft: ArticleDraft) -> str:
    return f"id:{draft.external_id}" if draft.external_id else f"url:{draft.url}"


def _distinct_document(article: Article, draft: ArticleDraft) -> bool:
    """Same text, but the source says it is another document (other id or url)."""
    if draft.external_id and article.external_id and draft.external_id != article.external_id:
        return True
    return bool(draft.url and article.url and draft.url != article.url)


def fill(article: Article, draft: ArticleDraft, digest: str, resolver: Resolver) -> None:
    """Copy the draft onto the article; empty draft fields keep what is stored."""
    article.title = draft.title.strip()[:500]
    article.body = draft.body
    article.content_hash = digest
    article.word_count = draft.extra.get("word_count") or word_count(draft.body)
    for name in ("summary", "raw_text", "language", "source", "external_id"):
        value = getattr(draft, name)
        if value:
            setattr(article, name, value)
    if draft.url:
        article.url = draft.url
    if draft.published:
        article.published = draft.published
    if draft.published_time:
        article.published_time = draft.published_time
    outlet = resolver.outlet(draft.outlet, draft.outlet_hints)
    if outlet is not None:
        article.outlet = outlet


def _link_new(article: Article, draft: ArticleDraft, resolver: Resolver) -> None:
    """Byline and tags of a new article, one INSERT each (no per-row signals: the
    article's own outbox row already covers them)."""
    authors = list({a.pk: a for a in map(resolver.author, draft.authors)}.values())
    if authors:
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=a, position=i) for i, a in enumerate(authors)
        )
    tags = {resolver.tag(ref).pk for ref in draft.tags}
    tags.update(tag.pk for tag in resolver.rules.tags_for(article.title, article.body))
    if tags:
        Through = Article.tags.through
        Through.objects.bulk_create(Through(article_id=article.pk, tag_id=pk) for pk in tags)


def index_later(article_ids: list[int]) -> None:
    """Announce articles stored without signals, so that the search index follows them."""
    announce(article_ids)


def _link_existing(article: Article, draft: ArticleDraft, resolver: Resolver) -> None:
    if draft.authors:
        wanted = [resolver.author(name) for name in draft.authors]
        current = list(article.author_links.values_list("author_id", flat=True))
        if current != list(dict.fromkeys(a.pk for a in wanted)):
            ArticleAuthor.objects.filter(article=article).delete()
            _link_new(article, draft.replace(tags=()), resolver)
    if draft.tags:
        article.tags.add(*{resolver.tag(ref) for ref in draft.tags})


def _snapshot(article: Article) -> tuple:
    return (
        article.title,
        article.summary,
        article.body,
        article.raw_text,
        article.url,
        article.outlet_id,
        article.published,
        article.published_time,
        article.language,
        tuple(article.author_links.values_list("author_id", flat=True)),
        tuple(sorted(article.tags.values_list("pk", flat=True))),
    )


def _create(draft, digest, resolver, batch, twin_id) -> StoreResult:
    signature = sketch(draft.body)
    if draft.duplicate_stated:
        # As in bulk.py: the source states the link (made at the end of the run), so no
        # detection, and a stated duplicate is nobody's original meanwhile.
        signature = () if draft.duplicate_of else signature
    elif twin_id is None:
        twin_id = resolver.near_duplicates.twin_of(signature)
    article = Article(import_batch=batch, duplicate_of_id=twin_id)
    fill(article, draft, digest, resolver)
    # bulk_create skips the per-save signals, which cost more than the insert itself.
    Article.objects.bulk_create([article])
    _link_new(article, draft, resolver)
    index_later([article.pk])
    resolver.remember(article, signature)
    return StoreResult(Outcome.CREATED, article, linked=twin_id is not None)


def _store(draft: ArticleDraft, batch: ImportBatch | None, resolver: Resolver) -> StoreResult:
    digest = content_hash(draft.body)
    article = resolver.existing(draft, digest)
    if article is None:
        return _create(draft, digest, resolver, batch, None)
    if article.content_hash == digest and _distinct_document(article, draft):
        salted = salted_hash(digest, draft_identity(draft))
        twin = article.duplicate_of_id or article.pk
        again = resolver.by_hash(salted)
        if again is None:
            return _create(draft, salted, resolver, batch, twin)
        article = again
        digest = salted
    elif article.content_hash != digest and article.content_hash == salted_hash(
        content_hash(article.body), draft_identity(draft)
    ):
        digest = salted_hash(digest, draft_identity(draft))
    before = _snapshot(article)
    fill(article, draft, digest, resolver)
    changed = before[:9] != _snapshot(article)[:9]
    if changed:
        article.save()
    _link_existing(article, draft, resolver)
    changed = changed or _snapshot(article) != before
    return StoreResult(Outcome.UPDATED if changed else Outcome.DUPLICATE, article)


def article_store(
    *, draft: ArticleDraft, batch: ImportBatch | None = None, resolver: Resolver | None = None
) -> StoreResult:
    """Create the article, or update the one it already is.

    Everything happens in one transaction (a savepoint when called inside a chunk): a
    failure leaves nothing of this article behind.
    """
    validate(draft)
    resolver = resolver or Resolver()
    mark = resolver.mark()
    try:
        with transaction.atomic():
            return _store(draft, batch, resolver)
    except IntegrityError as exc:
        resolver.undo(mark)
        raise IngestError(f"conflicts with a stored article ({exc})") from exc
    except BaseException:
        resolver.undo(mark)
        raise


def article_rebody(*, article: Article, body: str) -> Article:
    """Give a stored article a new clean body (after cleaning again)."""
    if not body.strip():
        raise IngestError("no text left after cleaning")
    digest = content_hash(body)
    # A document sharing its text with a twin keeps a salted hash (see salted_hash).
    twin_exists = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).exists()
    if article.content_hash != digest and article.external_id and twin_exists:
        digest = salted_hash(digest, f"id:{article.external_id}")
    article.body = body
    article.content_hash = digest
    article.word_count = word_count(body)
    try:
        with transaction.atomic():
            article.save(update_fields=["body", "content_hash", "word_count", "updated_at"])
    except IntegrityError as exc:
        raise IngestError(f"the cleaned text is the same as another article's ({exc})") from exc
    return article
