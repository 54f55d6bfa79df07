"""The articles a run knows: stored ones by content hash, url and (outlet, external id).

Read from the database for the drafts at hand (a chunk's at once, ``prefetch``), never
the whole archive, then kept up to date by the writer: an article planned in the
current chunk is known by a negative key until it is inserted.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from archive.ingest.journal import UndoJournal
from archive.models import Article

# Values per IN (...) list: three lists per query stay under SQLite's 999 parameters.
_PER_QUERY = 300


@dataclass
class _Tables:
    by_hash: dict[str, int] = field(default_factory=dict)
    by_url: dict[str, int] = field(default_factory=dict)
    by_external: dict[tuple[int | None, str], int] = field(default_factory=dict)

    # What was asked of the database already: the answers are in the tables (or there
    # is no such article, unless the run wrote it since, and then it knows it).
    asked: set[tuple[str, str]] = field(default_factory=set)

    def load(self, urls: set[str], external_ids: set[str], digests: set[str]) -> None:
        """Read the stored articles with one of these urls, external ids or hashes."""
        wanted = [("url", v) for v in urls] + [("external", v) for v in external_ids]
        wanted = [key for key in wanted + [("hash", v) for v in digests] if key not in self.asked]
        if not wanted:
            return
        self.asked.update(wanted)
        for start in range(0, len(wanted), _PER_QUERY):
            part: dict[str, list[str]] = {"url": [], "external": [], "hash": []}
            for kind, value in wanted[start : start + _PER_QUERY]:
                part[kind].append(value)
            rows = Article.objects.filter(
                Q(url__in=part["url"])
                | Q(external_id__in=part["external"])
                | Q(content_hash__in=part["hash"])
            )
            fields = ("id", "content_hash", "url", "outlet_id", "external_id")
            for pk, digest, url, outlet_id, external_id in rows.order_by().values_list(*fields):
                self.by_hash.setdefault(digest, pk)
                if url:
                    self.by_url.setdefault(url, pk)
                if external_id:
                    self.by_external.setdefault((outlet_id, external_id), pk)

    def asked_all(self, url: str, external_id: str, digest: str) -> bool:
        """Whether the database was asked for this url, external id and hash already."""
        asked = self.asked
        return (
            ("hash", digest) in asked
            and (not url or ("url", url) in asked)
            and (not external_id or ("external", external_id) in asked)
        )

    def keys(self, article: Article) -> list[tuple[dict, object]]:
        keys: list[tuple[dict, object]] = [(self.by_hash, article.content_hash)]
        if article.url:
            keys.append((self.by_url, article.url))
        if article.external_id:
            keys.append((self.by_external, (article.outlet_id, article.external_id)))
        return keys


class KnownArticles:
    """Ids of the stored articles by what identifies them; never reads an article itself."""

    def __init__(self, journal: UndoJournal | None = None) -> None:
        self.journal = journal or UndoJournal()
        self._tables: _Tables | None = None

    @property
    def tables(self) -> _Tables:
        if self._tables is None:
            self._tables = _Tables()
        return self._tables

    def prefetch(self, keys: Iterable[tuple[str, str, str]]) -> None:
        """Read the stored articles these drafts may be: (url, external id, content hash)."""
        urls, external_ids, digests = set(), set(), set()
        for url, external_id, digest in keys:
            if url:
                urls.add(url)
            if external_id:
                external_ids.add(external_id)
            digests.add(digest)
        self.tables.load(urls, external_ids, digests)

    def match(
        self, *, url: str, external: tuple[int | None, str] | None, digest: str
    ) -> int | None:
        """Id of the article with this url, else this (outlet id, external id), else this
        content hash. A negative id is an article planned in the current chunk."""
        tables = self.tables
        external_id = external[1] if external else ""
        if not tables.asked_all(url, external_id, digest):  # as a rule the prefetch asked
            tables.load({url} if url else set(), {external_id} if external_id else set(), {digest})
        pk = tables.by_url.get(url) if url else None
        if pk is None and external is not None:
            pk = tables.by_external.get(external)
        if pk is None:
            pk = tables.by_hash.get(digest)
        return pk

    def by_hash(self, digest: str) -> int | None:
        self.tables.load(set(), set(), {digest})
        return self.tables.by_hash.get(digest)

    def add(self, article: Article, key: int | None = None) -> None:
        """Known from now on, by its pk (or by ``key`` while it waits for its chunk)."""
        for table, value in self.tables.keys(article):
            self.journal.put(table, value, article.pk if key is None else key)

    def forget(self, article: Article, key: int) -> None:
        """The planned article ``key`` was inserted or abandoned: no longer known by it."""
        for table, value in self.tables.keys(article):
            if table.get(value) == key:
                del table[value]
