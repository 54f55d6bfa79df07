"""The hits' articles, loaded a batch of ids at a time, in the order of the ids.

Three queries a batch whatever its size: the articles with their outlet (and original's
hash), their bylines' names, their tags' ids (each tag read once an export). Bylines
and tags are read as plain values, not prefetched into each article: Django's prefetch
builds two querysets an article, most of an export's time.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F

from archive.models import Article, ArticleAuthor, Tag

# Columns of the article table a CSV reads only when it shows them: long texts.
LONG_TEXTS = ("body", "raw_text", "summary")


@dataclass(frozen=True)
class Exported:
    """An article as an export writes it."""

    article: Article
    authors: list[str]  # in byline order
    tags: list[Tag]  # by kind, then name


class Loader:
    """Loads batches of articles with what a row shows; ``texts`` the long texts to
    read (all of them for JSON Lines)."""

    def __init__(self, *, texts: Iterable[str] = LONG_TEXTS):
        self.deferred = [name for name in LONG_TEXTS if name not in set(texts)]
        self.tags: dict[int, Tag] = {}

    def load(self, ids: list[int]) -> dict[int, Exported]:
        articles = (
            Article.objects.filter(pk__in=ids)
            .select_related("outlet")
            .annotate(original_hash=F("duplicate_of__content_hash"))
            .defer(*self.deferred)
        )
        found = {a.pk: a for a in articles}
        authors, tags = defaultdict(list), defaultdict(list)
        bylines = ArticleAuthor.objects.filter(article_id__in=list(found)).order_by(
            "article_id", "position"
        )
        for article_id, name in bylines.values_list("article_id", "author__name"):
            authors[article_id].append(name)
        links = Article.tags.through.objects.filter(article_id__in=list(found))
        pairs = list(links.values_list("article_id", "tag_id"))
        self._read_tags({tag_id for _, tag_id in pairs})
        for article_id, tag_id in pairs:
            tags[article_id].append(self.tags[tag_id])
        return {
            pk: Exported(a, authors[pk], sorted(tags[pk], key=lambda t: (t.kind, t.name)))
            for pk, a in found.items()
        }

    def _read_tags(self, ids: set[int]) -> None:
        missing = ids - self.tags.keys()
        if missing:
            self.tags.update((t.pk, t) for t in Tag.objects.filter(pk__in=missing))

    def in_order(self, batches: Iterable[list[int]]) -> Iterator[list[Exported]]:
        """Each batch of ids as its articles, in order; an article deleted since the
        search found it is left out (the manifest's count says how many rows were sent)."""
        for ids in batches:
            found = self.load(ids)
            yield [found[i] for i in ids if i in found]
