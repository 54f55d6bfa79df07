"""The hits' articles, loaded a batch of ids at a time, in the order of the ids."""

from collections.abc import Iterable, Iterator

from django.db.models import F

from archive.models import Article, byline_prefetch


def articles_of(ids: list[int]) -> dict[int, Article]:
    """These articles with what a row shows (outlet, bylines, tags, original's hash):
    four queries a batch, whatever its size."""
    articles = (
        Article.objects.filter(pk__in=ids)
        .select_related("outlet")
        .prefetch_related(byline_prefetch(), "tags")
        .annotate(original_hash=F("duplicate_of__content_hash"))
    )
    return {article.pk: article for article in articles}


def articles_in_order(batches: Iterable[list[int]]) -> Iterator[list[Article]]:
    """Each batch of ids as its articles, in order; an article deleted since the search
    found it is left out (the manifest's count says how many rows were sent)."""
    for ids in batches:
        found = articles_of(ids)
        yield [found[i] for i in ids if i in found]
