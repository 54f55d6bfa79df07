"""The articles a run knows: stored ones by content hash, url and (outlet, external id).

Read from the database once a run, then kept up to date by the writer: an article
planned in the current chunk is known by a negative key until it is inserted.
"""

from dataclasses import dataclass, field

from archive.ingest.journal import UndoJournal
from archive.models import Article


@dataclass
class _Tables:
    by_hash: dict[str, int] = field(default_factory=dict)
    by_url: dict[str, int] = field(default_factory=dict)
    by_external: dict[tuple[int | None, str], int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "_Tables":
        tables = cls()
        rows = Article.objects.values_list("id", "content_hash", "url", "outlet_id", "external_id")
        for pk, digest, url, outlet_id, external_id in rows.iterator(chunk_size=5000):
            tables.by_hash[digest] = pk
            if url:
                tables.by_url[url] = pk
            if external_id:
                tables.by_external[(outlet_id, external_id)] = pk
        return tables

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
            self._tables = _Tables.load()
        return self._tables

    def match(
        self, *, url: str, external: tuple[int | None, str] | None, digest: str
    ) -> int | None:
        """Id of the article with this url, else this (outlet id, external id), else this
        content hash. A negative id is an article planned in the current chunk."""
        tables = self.tables
        pk = tables.by_url.get(url) if url else None
        if pk is None and external is not None:
            pk = tables.by_external.get(external)
        if pk is None:
            pk = tables.by_hash.get(digest)
        return pk

    def by_hash(self, digest: str) -> int | None:
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
