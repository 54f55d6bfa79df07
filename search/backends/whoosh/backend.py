"""The embedded search backend: a Whoosh index under ``SEARCH_INDEX_DIR``."""

import datetime as dt
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from django.conf import settings

from search.analysis import stem_map
from search.backends.base import (
    BackendHit,
    BackendQuery,
    BackendResult,
    MatchingIds,
    SearchBackend,
    TermCounts,
    Texts,
)
from search.backends.kept import KeptAnswers
from search.backends.whoosh.answers import answer_key
from search.backends.whoosh.columns import Columns, FacetData
from search.backends.whoosh.postings_cache import PostingsCache
from search.backends.whoosh.sharing import refuse_shared_directory
from search.backends.whoosh.store import READ_ERRORS, IndexStore, postings_codec
from search.documents import article_document
from search.types import SearchUnavailable

log = logging.getLogger(__name__)


class WhooshBackend(SearchBackend):
    """Whoosh with numpy-backed facets; safe for several processes and threads."""

    name = "whoosh"

    def __init__(self, path: Path | str | None = None, *, lock_timeout: float = 30.0, procs=None):
        path = Path(path or settings.SEARCH_INDEX_DIR)
        refuse_shared_directory(path)
        self.store = IndexStore(path, lock_timeout=lock_timeout)
        self.procs = procs or min(2, os.cpu_count() or 1)
        self._lock = threading.RLock()
        self._searcher = None
        self._directory: Path | None = None
        self._data: tuple | None = None  # (key, FacetData)
        self._segments: dict[str, Columns] = {}
        self._stems: dict[str, dict[str, list[str]]] = {}
        self._frequencies: dict[str, dict[str, int]] = {}
        self.postings = PostingsCache()  # of the current searcher
        self.answers = KeptAnswers(settings.SEARCH_ANSWERS_KEPT)  # of the current searcher
        self._occurrences: dict[str, dict[str, float]] = {}

    # Writing -----------------------------------------------------------------
    def index(self, articles: Iterable) -> int:
        documents = [article_document(a) for a in articles]
        if not documents:
            return 0

        def write(writer):
            for document in documents:
                writer.update_document(**document)

        self._write(write)
        return len(documents)

    def delete(self, ids: Iterable[int]) -> int:
        ids = [int(i) for i in ids]
        if not ids:
            return 0

        def write(writer):
            for article_id in ids:
                writer.delete_by_term("id", str(article_id))

        self._write(write)
        return len(ids)

    def _write(self, apply) -> None:
        # A rebuild may swap generations while we write: apply again to the new one.
        for _attempt in range(3):
            directory = self.store.ensure()
            with self.store.writer(directory) as writer:
                apply(writer)
            if self.store.current() == directory:
                return
        log.warning("The search index kept changing generation during a write")

    def ensure_index(self) -> None:
        """Create an empty index when none exists (a fresh install, a test)."""
        self.store.ensure()

    def rebuild(self, articles: Iterable, *, total: int | None = None) -> int:
        ix, directory = self.store.new_generation()
        if self.procs > 1:
            writer = ix.writer(
                procs=self.procs,
                limitmb=128,
                multisegment=True,
                batchsize=250,
                codec=postings_codec(),
            )
        else:
            writer = ix.writer(limitmb=256, codec=postings_codec())
        count = 0
        try:
            for article in articles:
                writer.add_document(**article_document(article))
                count += 1
            writer.commit()
        except BaseException:
            try:
                writer.cancel()
            finally:
                # Our own new, never-live directory: safe to remove.
                shutil.rmtree(directory, ignore_errors=True)
            raise
        self.store.swap(directory)
        log.info("Rebuilt the search index: %d articles in %s", count, directory.name)
        return count

    # Reading ------------------------------------------------------------------
    @contextmanager
    def _reading(self):
        """Hold the lock while reading. An index file that cannot be read (cut short,
        overwritten, removed under us) is SearchUnavailable, a 503, and the searcher is
        dropped so that the next request opens the index afresh (after a rebuild)."""
        with self._lock:
            try:
                yield
            except READ_ERRORS as error:
                log.error("The search index cannot be read", exc_info=True)
                self.close()
                raise SearchUnavailable(f"The search index cannot be read: {error}") from error

    def searcher(self):
        """The current searcher (refreshed when the index changed). Call inside ``_reading``."""
        directory = self.store.current()
        if directory is None:
            raise SearchUnavailable(
                "The search index has not been built yet: run `manage.py search_index rebuild`."
            )
        if self._searcher is None or directory != self._directory:
            old = self._searcher
            self._searcher = self.store.open(directory).searcher()
            self.postings = PostingsCache()
            self.answers = KeptAnswers(settings.SEARCH_ANSWERS_KEPT)
            self._directory = directory
            self._segments.clear()
            self._stems.clear()
            self._frequencies.clear()
            self._occurrences.clear()
            if old is not None:
                old.close()
        elif not self._searcher.up_to_date():
            # Not Searcher.refresh(): it reuses the old reader of a segment whose
            # deletions changed, so deleted or re-indexed articles would linger.
            old = self._searcher
            self._searcher = self.store.open(directory).searcher()
            self.postings = PostingsCache()
            self.answers = KeptAnswers(settings.SEARCH_ANSWERS_KEPT)
            old.close()
        return self._searcher

    def facet_data(self, searcher) -> FacetData:
        """Per-document arrays of this generation, built from cached segment columns.
        Call inside ``_reading``."""
        reader = searcher.reader()
        key = (self._directory, reader.generation())
        if self._data and self._data[0] == key:
            return self._data[1]
        parts, lives, seen = [], [], set()
        for leaf, offset in reader.leaf_readers():
            segment = leaf.segment()
            seg_key = segment.segment_id() if segment is not None else f"leaf{offset}"
            seen.add(seg_key)
            if seg_key not in self._segments:
                self._segments[seg_key] = self._load_segment(leaf)
            columns = self._segments[seg_key]
            parts.append((columns, offset))
            live = np.ones(leaf.doc_count_all(), dtype=bool)
            if leaf.has_deletions():
                deleted = getattr(leaf, "deleted_docs_set", None)
                if deleted is None:
                    deleted = [d for d in range(len(live)) if leaf.is_deleted(d)]
                live[np.fromiter(deleted, dtype=np.int64)] = False
            lives.append(live)
        for stale in set(self._segments) - seen:
            del self._segments[stale]
            self._stems.pop(stale, None)
            self._frequencies.pop(stale, None)
            self._occurrences.pop(stale, None)
        live = np.concatenate(lives) if lives else np.zeros(0, dtype=bool)
        data = FacetData(Columns.concat(parts), live)
        self._data = (key, data)
        return data

    def stem_terms(self, searcher):
        """A function: stem -> the indexed words with that stem (maps cached per segment)."""

        def build(leaf) -> dict[str, list[str]]:
            return stem_map({_text(t) for name in ("title", "body") for t in leaf.lexicon(name)})

        maps = _segment_maps(searcher, self._stems, build)
        if len(maps) == 1:
            only = maps[0]
            return lambda stem: only.get(stem, [])
        return lambda stem: [t for m in maps for t in m.get(stem, ())]

    def word_frequency(self, searcher):
        """A function: word -> documents with it in their title or body (the larger of
        the two fields' counts, summed over segments; maps cached per segment), for
        significant terms: one dictionary lookup a word instead of two term-table reads."""

        def build(leaf) -> dict[str, int]:
            counts: dict[str, int] = {}
            for name in ("title", "body"):
                for term, info in leaf.iter_field(name):
                    word = _text(term)
                    counts[word] = max(counts.get(word, 0), info.doc_frequency())
            return counts

        maps = _segment_maps(searcher, self._frequencies, build)
        return lambda word: sum(m.get(word, 0) for m in maps)

    def body_frequency(self, searcher):
        """A function: word -> its occurrences in every body (summed over segments;
        maps cached per segment), for the key words of more like this."""

        def build(leaf) -> dict[str, float]:
            return {_text(term): info.weight() for term, info in leaf.iter_field("body")}

        maps = _segment_maps(searcher, self._occurrences, build)
        return lambda word: sum(m.get(word, 0) for m in maps)

    @staticmethod
    def _load_segment(leaf) -> Columns:
        ids, metas = [], []
        count = leaf.doc_count_all()
        for docnum in range(count):
            stored = leaf.stored_fields(docnum)
            ids.append(int(stored.get("id", 0)))
            metas.append(stored.get("meta") or (0, 0, "", (), (), (), 0, 0, 0))
        columns = Columns.from_metas(ids, metas)
        length = leaf.doc_field_length
        columns.title_length = np.array([length(d, "title", 0) for d in range(count)], np.float32)
        columns.body_length = np.array([length(d, "body", 0) for d in range(count)], np.float32)
        return columns

    def search(self, query: BackendQuery) -> BackendResult:
        from search.backends.whoosh.searching import run_search

        with self._reading():
            self.searcher()  # a new one (and no kept answers) when the index changed
            key = answer_key(query)
            answer = self.answers.get(key)
            if answer is None:
                answer = run_search(self, query)
                if not query.budget.cut and query.budget.remaining_seconds() >= 0:
                    self.answers.put(key, answer)  # complete: nothing was left out
            return answer

    def matching_ids(self, query: BackendQuery, *, batch: int) -> MatchingIds:
        """The ids are read at once (8 bytes a hit; ranking needs every score anyway)."""
        from search.backends.whoosh.searching import notices_of, run_matching_ids

        with self._reading():
            ids, found = run_matching_ids(self, query)
        batches = (ids[at : at + batch].tolist() for at in range(0, len(ids), batch))
        return MatchingIds(
            total=len(ids),
            batches=batches,
            parsed=found.understood.shown,
            query_error=" ".join(found.understood.parsed.errors) or None,
            notices=notices_of(found, query),
        )

    def matches_among(self, queries: list[BackendQuery]) -> list[set[int]]:
        """One query at a time: posting lists are read whole (Whoosh has no lookup by
        id), then masked by the ids."""
        from search.backends.whoosh.searching import run_matches_among

        with self._reading():
            return [run_matches_among(self, query) for query in queries]

    def explain(self, query: BackendQuery, article_id: int):
        from search.backends.whoosh.searching import run_explain

        with self._reading():
            return run_explain(self, query, article_id)

    def more_like_this(
        self, article_id: int, *, texts: Texts, limit: int = 5, exclude: Iterable[int] = ()
    ) -> list[BackendHit]:
        from search.backends.whoosh.similar import run_more_like_this

        with self._reading():
            return run_more_like_this(self, article_id, texts=texts, limit=limit, exclude=exclude)

    def term_counts(self, query: BackendQuery, *, sample: int, least: int = 1) -> TermCounts:
        from search.backends.whoosh.terms import run_term_counts

        with self._reading():
            return run_term_counts(self, query, sample=sample, least=least)

    def suggest_titles(self, prefix: str, *, limit: int = 10) -> list[int]:
        from search.backends.whoosh.autocomplete import run_title_suggestions

        with self._reading():
            return run_title_suggestions(self, prefix, limit=limit)

    def versions(self) -> dict[int, str]:
        with self._reading():
            reader = self.searcher().reader()
            return {int(f["id"]): f.get("version", "") for f in reader.all_stored_fields()}

    def stats(self) -> dict:
        directory = self.store.current()
        if directory is None or not directory.exists():
            return {"backend": self.name, "exists": False, "documents": 0, "path": str(directory)}
        with self._reading():
            reader = self.searcher().reader()
            files = [f for f in directory.iterdir() if f.is_file()]
            changed = max((f.stat().st_mtime for f in files), default=0)
            return {
                "backend": self.name,
                "exists": True,
                "documents": reader.doc_count(),
                "deleted": reader.doc_count_all() - reader.doc_count(),
                "segments": len(reader.leaf_readers()),
                "generation": reader.generation(),
                "size_bytes": sum(f.stat().st_size for f in files),
                "last_change": dt.datetime.fromtimestamp(changed, tz=dt.UTC) if changed else None,
                "path": str(directory),
            }

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._data = None, None
            self._segments.clear()


def _text(term) -> str:
    return term.decode() if isinstance(term, bytes) else term


def _segment_maps(searcher, cache: dict, build: Callable) -> list[dict]:
    """One map per segment of the searcher, built by ``build(leaf)`` and kept in ``cache``
    by segment id (a segment never changes; one without an id is built afresh)."""
    maps = []
    for leaf, _offset in searcher.reader().leaf_readers():
        segment = leaf.segment()
        key = segment.segment_id() if segment is not None else None
        if key is None:
            maps.append(build(leaf))
            continue
        if key not in cache:
            cache[key] = build(leaf)
        maps.append(cache[key])
    return maps
