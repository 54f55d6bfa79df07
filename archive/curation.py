"""Curation writes made from the admin: merges and bulk edits of articles.

Each service runs in one transaction. Relation changes go through the model
managers, whose signals tell the search index; bulk updates, which send no signals,
``announce`` their articles themselves (``archive.signals``). The index follows after
the commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from archive.ingest.draft import IngestError, TagRef
from archive.ingest.pipeline import article_reclean
from archive.ingest.vocabulary import VocabularyCache
from archive.models import Article, ArticleAuthor, Author, Outlet, SlugRedirect, Tag
from archive.signals import announce

OUTLET_DETAILS = ("homepage", "domain", "country", "language")


@dataclass(frozen=True)
class RecleanReport:
    done: int
    errors: list[str]


def _others(target, others: Iterable) -> list:
    return [other for other in others if other.pk != target.pk]


def _ids(articles: QuerySet) -> set[int]:
    return set(articles.order_by().values_list("pk", flat=True))


def _merged_aliases(target: Tag, others: list[Tag]) -> list[str]:
    """The target's aliases plus every name and alias of the others, without repeats."""
    taken = {target.name.casefold()}
    aliases = []
    for spelling in [*(target.aliases or []), *(s for o in others for s in o.spellings)]:
        if spelling and spelling.casefold() not in taken:
            taken.add(spelling.casefold())
            aliases.append(spelling)
    return aliases


def _leave_redirects(target, others: list) -> None:
    """Record each merged-away slug (and the slugs that led to it) as the target's, so
    that old pages, feeds and filter values lead to the survivor. Runs before the others
    are deleted: their own redirects would go with them."""
    field = target._meta.model_name  # "outlet", "author" or "tag"
    SlugRedirect.objects.filter(**{f"{field}__in": others}).update(**{field: target})
    for other in others:
        kind = getattr(other, "kind", field)
        SlugRedirect.objects.update_or_create(
            kind=kind, old_slug=other.slug, defaults={"old_name": other.name, field: target}
        )
    # A slug that lives again points nowhere else.
    kind = getattr(target, "kind", field)
    SlugRedirect.objects.filter(kind=kind, old_slug=target.slug).delete()


def tags_merge(*, target: Tag, others: Iterable[Tag]) -> int:
    """Fold ``others`` into ``target``: their articles get the target, their names and
    aliases become its aliases, and they are deleted. Returns how many articles carried
    a merged tag."""
    others = _others(target, others)
    if not others:
        return 0
    with transaction.atomic():
        ids = _ids(Article.objects.filter(tags__in=others))
        _leave_redirects(target, others)
        target.articles.add(*ids)
        for other in others:
            other.articles.clear()
            other.delete()
        target.aliases = _merged_aliases(target, others)
        target.save(update_fields=["aliases"])
    return len(ids)


def outlets_merge(*, target: Outlet, others: Iterable[Outlet]) -> int:
    """Move the articles of ``others`` to ``target`` and delete the others; the target's
    blank details (homepage, domain, ...) are filled from them. Returns articles moved."""
    others = _others(target, others)
    if not others:
        return 0
    with transaction.atomic():
        _leave_redirects(target, others)
        moved = articles_set_outlet(
            articles=Article.objects.filter(outlet__in=others), outlet=target
        )
        for name in OUTLET_DETAILS:
            if not getattr(target, name):
                setattr(
                    target, name, next((getattr(o, name) for o in others if getattr(o, name)), "")
                )
        target.save()
        for other in others:
            other.delete()
    return moved


def authors_merge(*, target: Author, others: Iterable[Author]) -> int:
    """Credit ``target`` wherever one of ``others`` was credited, in the same byline
    place, then delete the others. Returns how many articles changed."""
    others = _others(target, others)
    if not others:
        return 0
    with transaction.atomic():
        _leave_redirects(target, others)
        credited = set(target.article_links.values_list("article_id", flat=True))
        changed = set()
        for link in ArticleAuthor.objects.filter(author__in=others).order_by("position"):
            if link.article_id in credited:
                link.delete()
            else:
                link.author = target
                link.save(update_fields=["author"])
                credited.add(link.article_id)
            changed.add(link.article_id)
        for other in others:
            other.delete()
    return len(changed)


@dataclass(frozen=True)
class TagAdded:
    """One tag of a bulk "add tags": how many articles gained it, how many had it."""

    tag: Tag
    added: int
    already: int


def articles_add_tags(*, articles: QuerySet, tags: Iterable[Tag]) -> list[TagAdded]:
    """Give every article these tags (the m2m signal tells the index); per tag, how many
    articles gained it and how many already had it."""
    ids, report = _ids(articles), []
    with transaction.atomic():
        for tag in tags:
            had = _ids(tag.articles.filter(pk__in=ids))
            tag.articles.add(*(ids - had))
            report.append(TagAdded(tag, added=len(ids - had), already=len(had)))
    return report


def tag_named(*, kind: str, name: str) -> tuple[Tag, bool]:
    """The tag of ``kind`` named or aliased ``name``, found as ingest finds it (any case,
    or the same slug), else created; and whether it was created."""
    newest = Tag.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    tag = VocabularyCache().tag(TagRef(name=name, kind=kind))
    return tag, tag.pk > newest


def articles_remove_tags(*, articles: QuerySet, tags: Iterable[Tag]) -> int:
    """Take these tags off every article; returns how many articles lost at least one."""
    ids, changed = _ids(articles), set()
    with transaction.atomic():
        for tag in tags:
            present = _ids(tag.articles.filter(pk__in=ids))
            tag.articles.remove(*present)
            changed |= present
    return len(changed)


def articles_set_outlet(*, articles: QuerySet, outlet: Outlet | None) -> int:
    """Credit every article to ``outlet`` (``None``: no outlet); returns how many changed."""
    todo = articles.exclude(outlet=outlet) if outlet else articles.filter(outlet__isnull=False)
    with transaction.atomic():
        ids = _ids(todo)
        Article.objects.filter(pk__in=ids).update(outlet=outlet)
        announce(ids)
    return len(ids)


def articles_reclean(*, articles: QuerySet) -> RecleanReport:
    """Clean each article's body again from its raw text; an article that fails is
    reported and left as it was."""
    done, errors = 0, []
    for article in articles:
        try:
            article_reclean(article)
        except IngestError as exc:
            errors.append(f"#{article.pk} “{article.title}”: {exc}")
        else:
            done += 1
    return RecleanReport(done=done, errors=errors)


def articles_reindex(*, articles: QuerySet) -> int:
    """Queue these articles for the search index again; returns how many."""
    ids = _ids(articles)
    with transaction.atomic():
        announce(ids)
    return len(ids)
