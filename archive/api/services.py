"""Writes of the article endpoints, delegated to the ingest pipeline's own steps."""

from django.db import IntegrityError, transaction

from archive.ingest.articletext import article_text_apply
from archive.ingest.draft import ArticleDraft, IngestError, TagRef
from archive.ingest.pipeline import prepare, refuse_unsafe_url
from archive.ingest.store import StoreResult, article_rebody, article_store
from archive.ingest.vocabulary import VocabularyCache
from archive.models import Article, ArticleAuthor

_PLAIN = ("raw_text", "published", "published_time", "language")


def _tag_refs(tags: list[dict]) -> tuple[TagRef, ...]:
    return tuple(TagRef(t["name"], t["kind"]) for t in tags)


def article_create(*, data: dict, source: str = "api") -> StoreResult:
    """Ingest one article sent as fields (already validated) through the ingest pipeline.

    The body is taken as the article itself (light cleaning, as for JSON Lines); the same
    text again updates the stored article instead of adding one, as ingest does.
    """
    outlet = data.get("outlet")
    draft = ArticleDraft(
        body=data["body"],
        title=data["title"],
        raw_text=data.get("raw_text") or data["body"],
        summary=data.get("summary") or "",
        outlet=outlet.name if outlet else "",
        published=data.get("published"),
        published_time=data.get("published_time"),
        authors=tuple(data.get("authors") or ()),
        tags=_tag_refs(data.get("tags") or []),
        url=data.get("url") or "",
        language=data.get("language") or "",
        source=source,
        clean="light",
    )
    return article_store(draft=prepare(draft))


def article_update(*, article: Article, data: dict) -> Article:
    """Change the given fields; authors and tags, when given, replace the stored ones.

    Texts take the archive's normal forms and a new body its hash (``articletext``); a
    url must be a web address, as for a new article.
    """
    refuse_unsafe_url(data.get("url") or "")
    vocabulary = VocabularyCache()
    try:
        with transaction.atomic():
            for name in _PLAIN:
                if name in data:
                    setattr(article, name, data[name])
            article_text_apply(article, title=data.get("title"), summary=data.get("summary"))
            if "url" in data:
                article.url = data["url"] or None
            if "outlet" in data:
                article.outlet = data["outlet"]
            article.save()
            if "body" in data and data["body"] != article.body:
                article_rebody(article=article, body=data["body"])
            if "authors" in data:
                ArticleAuthor.objects.filter(article=article).delete()
                for position, pk in enumerate(vocabulary.author_ids(tuple(data["authors"]))):
                    ArticleAuthor.objects.create(article=article, author_id=pk, position=position)
            if "tags" in data:
                article.tags.set(vocabulary.tag_ids(_tag_refs(data["tags"])))
    except IntegrityError:
        raise IngestError("another article already has this url; edit that one instead") from None
    return article
