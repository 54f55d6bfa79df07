"""Near-duplicate detection: the same story with small edits, or in another outlet.

Each text becomes a set of word 5-shingles; its sketch keeps the k smallest shingle
hashes (bottom-k MinHash). Two texts are compared only when their sketches share
values, and their resemblance is estimated from the sketches alone, so finding the
twin of one article among 20,000 costs a few dictionary look-ups.
"""

import heapq
from collections import Counter, defaultdict
from typing import NamedTuple
from zlib import crc32

from archive.ingest.journal import UndoJournal
from archive.ingest.normalize import words

SHINGLE = 5
SKETCH_SIZE = 32
MIN_SHINGLES = 12
THRESHOLD = 0.6
# A value that turns up in very many sketches is a stock phrase, not evidence of a twin.
_MAX_POSTINGS = 200


def sketch(text: str) -> tuple[int, ...]:
    """The bottom-k shingle hashes of a text; empty when it is too short to judge."""
    tokens = words(text)
    if len(tokens) < SHINGLE + MIN_SHINGLES - 1:
        return ()
    # CRC-32 rather than hash(): the same text gets the same sketch in every process and run.
    shingles = {
        crc32(" ".join(tokens[i : i + SHINGLE]).encode()) for i in range(len(tokens) - SHINGLE + 1)
    }
    return tuple(sorted(heapq.nsmallest(SKETCH_SIZE, shingles)))


def resemblance(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the two shingle sets behind the sketches."""
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(SKETCH_SIZE, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for value in union if value in both) / len(union)


class NearDuplicateIndex:
    """Sketches of original articles (not of known duplicates), by article id."""

    def __init__(self) -> None:
        self._sketches: dict[int, tuple[int, ...]] = {}
        self._postings: dict[int, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._sketches)

    def add(self, article_id: int, signature: tuple[int, ...]) -> None:
        if not signature:
            return
        self._sketches[article_id] = signature
        for value in signature:
            self._postings[value].append(article_id)

    def discard(self, article_id: int) -> None:
        signature = self._sketches.pop(article_id, ())
        for value in signature:
            ids = self._postings.get(value)
            if ids and article_id in ids:
                ids.remove(article_id)

    def twin_of(self, signature: tuple[int, ...]) -> int | None:
        """The indexed article most like this sketch, if it passes the threshold."""
        if not signature:
            return None
        shared: Counter[int] = Counter()
        for value in signature:
            ids = self._postings.get(value)
            if ids and len(ids) <= _MAX_POSTINGS:
                shared.update(ids)
        best, best_score = None, THRESHOLD
        for article_id, count in shared.most_common(20):
            if count < 2:
                break
            score = resemblance(signature, self._sketches[article_id])
            if score >= best_score:
                best, best_score = article_id, score
        return best


def index_from_database() -> NearDuplicateIndex:
    """Sketch every stored original article (those not already marked duplicates)."""
    from archive.models import Article

    index = NearDuplicateIndex()
    rows = Article.objects.filter(duplicate_of__isnull=True).values_list("id", "body")
    for article_id, body in rows.iterator(chunk_size=2000):
        index.add(article_id, sketch(body))
    return index


class _Sketched(NamedTuple):
    """An article added to a near-duplicate index: undone by discarding it."""

    index: NearDuplicateIndex
    article_id: int

    def undo(self) -> None:
        self.index.discard(self.article_id)


class NearDuplicates:
    """A run's near-duplicate index: the stored originals, read when first needed, and
    the run's new ones as they are written (journaled)."""

    def __init__(
        self, journal: UndoJournal | None = None, *, index: NearDuplicateIndex | None = None
    ) -> None:
        self.journal = journal or UndoJournal()
        self._index = index

    @property
    def index(self) -> NearDuplicateIndex:
        if self._index is None:
            self._index = index_from_database()
        return self._index

    def twin_of(self, signature: tuple[int, ...]) -> int | None:
        return self.index.twin_of(signature)

    def add(self, article_id: int, signature: tuple[int, ...]) -> None:
        """A candidate twin from now on (``signature`` empty: none)."""
        if signature:
            self.index.add(article_id, signature)
            self.journal.record(_Sketched(self.index, article_id))

    def discard(self, article_id: int) -> None:
        self.index.discard(article_id)
