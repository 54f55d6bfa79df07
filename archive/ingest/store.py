"""Writes one draft to the database, in its own transaction."""

import enum
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from archive.ingest.draft import ArticleDraft, IngestError, TagRef
from archive.ingest.normalize import content_hash, word_count
from archive.models import (
    Article,
    ArticleAuthor,
    Author,
    ImportBatch,
    Outlet,
    Tag,
    unique_slug,
)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class StoreResult:
    outcome: Outcome
    article: Article


def validate(draft: ArticleDraft) -> None:
    """Raise IngestError when a draft cannot become an article."""
    if not draft.title.strip():
        raise IngestError("missing title")
    if not draft.body.strip():
        raise IngestError("missing body (no text left after cleaning)")
    if draft.url and len(draft.url) > 1000:
        raise IngestError("url longer than 1000 characters")


def outlet_for(name: str) -> Outlet | None:
    name = name.strip()
    if not name:
        return None
    outlet = Outlet.objects.filter(name__iexact=name).first()
    if outlet is None:
        outlet = Outlet.objects.filter(slug=unique_slug(name)).first()
    return outlet or Outlet.objects.create(name=name)


def author_for(name: str) -> Author:
    slug = unique_slug(name.strip())
    author, _ = Author.objects.get_or_create(slug=slug, defaults={"name": name.strip()})
    return author


def tag_for(ref: TagRef) -> Tag:
    """The tag of this kind named or aliased ``ref.name``; created when unknown."""
    kind = ref.kind if ref.kind in Tag.Kind.values else Tag.Kind.OTHER
    slug = unique_slug(ref.name)
    tag = Tag.objects.filter(kind=kind, slug=slug).first()
    if tag is None:
        wanted = ref.name.casefold()
        tag = next(
            (
                t
                for t in Tag.objects.filter(kind=kind).exclude(aliases=[])
                if wanted in (a.casefold() for a in t.aliases)
            ),
            None,
        )
    if tag is None:
        tag = Tag.objects.create(name=ref.name.strip(), slug=slug, kind=kind)
    new_aliases = [
        a for a in ref.aliases if a.casefold() not in {s.casefold() for s in tag.spellings}
    ]
    if new_aliases:
        tag.aliases = [*tag.aliases, *new_aliases]
        tag.save(update_fields=["aliases"])
    return tag


def _existing(draft: ArticleDraft, digest: str) -> Article | None:
    article = Article.objects.filter(content_hash=digest).first()
    if article is None and draft.url:
        article = Article.objects.filter(url=draft.url).first()
    return article


def _apply(article: Article, draft: ArticleDraft, digest: str) -> None:
    """Copy the draft onto the article; empty draft fields keep what is stored."""
    article.title = draft.title.strip()[:500]
    article.body = draft.body
    article.content_hash = digest
    article.word_count = word_count(draft.body)
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
    outlet = outlet_for(draft.outlet)
    if outlet is not None:
        article.outlet = outlet


def _link(article: Article, draft: ArticleDraft, *, replace: bool) -> None:
    if draft.authors:
        if replace:
            ArticleAuthor.objects.filter(article=article).delete()
        known = set(
            ArticleAuthor.objects.filter(article=article).values_list("author_id", flat=True)
        )
        for position, name in enumerate(draft.authors):
            author = author_for(name)
            if author.pk not in known:
                ArticleAuthor.objects.create(article=article, author=author, position=position)
                known.add(author.pk)
    if draft.tags:
        article.tags.add(*{tag_for(ref) for ref in draft.tags})


def _snapshot(article: Article) -> tuple:
    return (
        article.title,
        article.summary,
        article.body,
        article.url,
        article.outlet_id,
        article.published,
        article.published_time,
        article.language,
        tuple(article.author_links.values_list("author_id", flat=True)),
        tuple(sorted(article.tags.values_list("pk", flat=True))),
    )


def article_store(*, draft: ArticleDraft, batch: ImportBatch | None = None) -> StoreResult:
    """Create the article, or update the one with the same text or url.

    Everything happens in one transaction: a failure leaves nothing behind.
    """
    validate(draft)
    digest = content_hash(draft.body)
    try:
        with transaction.atomic():
            article = _existing(draft, digest)
            if article is None:
                article = Article(import_batch=batch)
                _apply(article, draft, digest)
                article.save()
                _link(article, draft, replace=True)
                return StoreResult(Outcome.CREATED, article)
            before = _snapshot(article)
            _apply(article, draft, digest)
            article.save()
            _link(article, draft, replace=False)
            changed = _snapshot(article) != before
            return StoreResult(Outcome.UPDATED if changed else Outcome.DUPLICATE, article)
    except IntegrityError as exc:
        raise IngestError(f"conflicts with a stored article ({exc})") from exc
