"""Copy groups in the database: each article's signature and band keys stored with it,
a run's look-ups of candidates, and the one rule of who is a group's original.

An article's copy group is ``duplicate_of_id or id``. ``duplicate_of`` always names the
group's original, its first publisher: the earliest ``published`` (an unknown date
last), ties to the lower id; never another copy. Who joins a group is decided by the
texts (``dedupe``); who leads it, here (``groups_settle``): when an article earlier
than a group's original joins it, it becomes the original and the others follow it.

An import never reads the archive's texts: a chunk's band keys are looked up in
``CopyBand`` (one query per 500 keys; one a chunk on PostgreSQL), and only the
signatures of the articles found are read. The band keys of an import's articles are
written in a few large sorted batches (``bands_write``) by the worker
(``archive.ingest.tasks``), the articles queued meanwhile (``CopyBandQueue``): chunk by
chunk, each commit rewrote nearly every page of the band index. A run asks for them at
its end, and every ``BAND_BATCH`` articles while another run is importing, else every
``BAND_PART`` (``CopyIndex.keys_wanted``). Deleting an original makes its earliest copy
the original of the others.
"""

import datetime as dt
import io
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from django.db import connection, transaction
from django.db.models import F, Q

from archive.ingest.dedupe import (
    BANDS,
    CandidateTable,
    Signature,
    band_keys,
    keys_fill,
    signature,
)
from archive.ingest.journal import UndoJournal
from archive.models import Article, CopyBand, CopyBandQueue, CopySignature
from archive.signals import announce
from archive.statistics import ANALYZE_FROM, tables_analyze

# Keys or ids per IN (...) query: well under any database's limits.
_PER_QUERY = 500
# Articles an import queues before it asks for their band keys (``run._band_keys_later``)
# while another run is importing too: the larger the batch, the fewer times the band
# index is rewritten, but the other run reads the queued articles' signatures as
# candidates meanwhile (``prefetch``).
BAND_BATCH = 2_000
# Articles a run queues before it asks for their keys when it imports alone (the keys
# of its own articles are in its memory): the look-ups of its chunks then probe a band
# index nobody writes to meanwhile. Also the most ``bands_write`` writes at a time.
BAND_PART = 50_000
# A queue longer than a running import leaves between two asks (``BAND_PART`` and a
# chunk): nobody is writing it (no worker), so a run starting writes it first.
BACKLOG = BAND_PART + BAND_BATCH


def _parts(values: Iterable, size: int = _PER_QUERY) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# -- stored signatures ------------------------------------------------------------------


def signatures_store(
    rows: Iterable[tuple[int, str, Signature | None]], *, queue: int | None = None
) -> None:
    """Store (article id, content hash, signature) of articles that have none yet, with
    their band keys (a text too short to judge gets an empty signature: judged, no keys).
    With ``queue`` (a run's number) the articles wait in ``CopyBandQueue`` instead, for
    ``bands_write``."""
    rows = list(rows)
    signatures = [
        (pk, d, sig.values if sig else b"", sig.shingles if sig else 0) for pk, d, sig in rows
    ]
    # Rows written as data (COPY, executemany): a model instance per row costs more than
    # the insert.
    _insert(CopySignature, ("article_id", "content_hash", "values", "shingles"), signatures)
    if queue is not None:
        _insert(CopyBandQueue, ("article_id", "run"), [(pk, queue) for pk, _, sig in rows if sig])
        return
    _insert_bands({pk: sig for pk, _, sig in rows if sig})


def bands_write() -> int:
    """Write the band keys of every queued article and take it off the queue, whichever
    run queued it (one that stopped half-way leaves its articles there), ``BAND_PART``
    articles a transaction. Returns how many."""
    written = 0
    while part := _bands_write_part():
        written += part
    if written >= ANALYZE_FROM:
        # Its look-ups probe the key's index whatever the statistics say
        # (``_articles_with_keys``), but deleting an article's keys is planned from them.
        # About 0.1 s at Reuters' size, so not for a few articles.
        tables_analyze([CopyBand._meta.db_table])
    return written


def _bands_write_part() -> int:
    with transaction.atomic():
        # Locked (PostgreSQL; SQLite's writer holds the database): the rows another run
        # is writing now are its own, so no band row is ever written twice.
        queue = CopyBandQueue.objects.order_by("article_id").select_for_update(skip_locked=True)
        queued = list(queue.values_list("article_id", flat=True)[:BAND_PART])
        if queued:
            _insert_bands(_signatures_of(queued), queued=True)
            _rows_delete(CopyBandQueue, queued)
        return len(queued)


def _insert_bands(signatures: Mapping[int, Signature], *, queued: bool = False) -> None:
    """The band rows of these signatures, in key order: each page of the key index is
    visited once, not once per key on it. Rows already there are left as they are, but
    for ``queued`` articles (``bands_write``), which can have none."""
    if not signatures:
        return
    keys = band_keys(signatures.values()).ravel()
    ids = np.repeat(np.fromiter(signatures, dtype=np.int64), BANDS)
    order = np.lexsort((ids, keys))  # by key, then article
    keys, ids = keys[order], ids[order]
    quote = connection.ops.quote_name
    table, names = quote(CopyBand._meta.db_table), f"{quote('key')}, {quote('article_id')}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and queued:
            # The queued articles are locked (``bands_write``), so none of their rows can
            # be there already.
            _copy_from(cursor, f"{table} ({names})", io.BytesIO(_copy_binary(keys, ids)), "binary")
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({names})"
                " SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
                [_array_text(keys.tolist()), _array_text(ids.tolist())],
            )
        else:  # one statement, stepped per row
            rows = zip(keys.tolist(), ids.tolist(), strict=True)
            cursor.executemany(f"INSERT OR IGNORE INTO {table} ({names}) VALUES (%s, %s)", rows)


def _array_text(values: Iterable[int]) -> str:
    """PostgreSQL's text of an integer array, sent as one value: as ARRAY[...], an
    expression of 10,000 constants, it cost the server more than the look-up it served."""
    return "{" + ",".join(map(str, values)) + "}"


# PostgreSQL's binary COPY: its header, then per row a field count and each field's
# length and bytes (big-endian), then -1.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_PAIR = np.dtype(
    [("n", ">i2"), ("a_len", ">i4"), ("a", ">i8"), ("b_len", ">i4"), ("b", ">i8")]
)


def _copy_binary(first: np.ndarray, second: np.ndarray) -> bytes:
    """Rows of two bigints in COPY's binary form, built by numpy: no text to make or parse."""
    rows = np.empty(len(first), dtype=_COPY_PAIR)
    rows["n"], rows["a_len"], rows["b_len"] = 2, 8, 8
    rows["a"], rows["b"] = first, second
    return _COPY_HEADER + rows.tobytes() + b"\xff\xff"


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # in process: one statement, stepped per row
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {marks}", rows)
        else:
            _copy(cursor, table, names, rows)


def _copy(cursor, table: str, names: str, rows: Iterable[tuple]) -> None:
    """PostgreSQL's COPY of these rows (integers, hex digests and bytes): parsed as data,
    not as statements, it costs the server a fraction of multi-row INSERTs."""
    lines = ("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    _copy_from(cursor, f"{table} ({names})", io.StringIO("".join(lines)), "text")


def _copy_from(cursor, target: str, data, form: str) -> None:
    """COPY ``data`` into ``target`` (a table and its columns) on PostgreSQL."""
    with connection.wrap_database_errors:  # Django's IntegrityError, as an INSERT raises
        cursor.cursor.copy_expert(f"COPY {target} FROM STDIN WITH (FORMAT {form})", data)


def _copy_text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return "\\\\x" + bytes(value).hex()  # bytea's hex form, its backslash escaped
    if value is None:
        raise ValueError("COPY's text form takes no NULL here")
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        raise ValueError(f"not a value COPY takes as it is: {text!r}")
    return text


def signatures_replace(rows: Iterable[tuple[int, str, Signature | None]]) -> None:
    """Store these articles' signatures in place of the ones they had (a new text)."""
    rows = list(rows)
    for part in _parts([pk for pk, _, _ in rows]):
        # The queue row first: a run writing it holds it until its keys are in, and
        # they are then deleted with the rest.
        CopyBandQueue.objects.filter(article_id__in=part).delete()
        bands_delete(part)
        CopySignature.objects.filter(article_id__in=part).delete()
    signatures_store(rows)


def bands_delete(article_ids: Iterable[int]) -> None:
    """Delete the band rows of these articles, found by the keys of their stored
    signatures (the band table has no index of articles: ``CopyBand``)."""
    for part in _parts(article_ids):
        stored = _signatures_of(part).values()
        keys = set(band_keys(stored).ravel().tolist())
        for some in _parts(keys):
            CopyBand.objects.filter(key__in=some, article_id__in=part).delete()


def _signatures_of(article_ids: Iterable[int]) -> dict[int, Signature]:
    """The stored signatures of these articles (none for a text too short to judge)."""
    rows = _rows_where(
        CopySignature, ("article_id", "values", "shingles"), "article_id", article_ids
    )
    return {pk: _stored(values, shingles) for pk, values, shingles in rows if shingles}


def _in_lists(column: str, values: Iterable[int]) -> list[tuple[str, list]]:
    """Conditions, with their parameters, that together select these values of an integer
    column: one array on PostgreSQL, ``_PER_QUERY`` at a time elsewhere. Raw SQL: the
    ORM's preparation of each of thousands of parameters costs more than the query."""
    column = connection.ops.quote_name(column)
    values = list(values)
    if not values:
        return []
    if connection.vendor == "postgresql":
        return [(f"{column} = ANY(%s::bigint[])", [_array_text(sorted(values))])]
    return [(f"{column} IN ({', '.join(['%s'] * len(part))})", part) for part in _parts(values)]


def _rows_where(model, columns: tuple[str, ...], column: str, values: Iterable[int]) -> list:
    """These columns of ``model``'s rows whose ``column`` is one of ``values``."""
    quote = connection.ops.quote_name
    select = f"SELECT {', '.join(map(quote, columns))} FROM {quote(model._meta.db_table)} WHERE "
    found = []
    with connection.cursor() as cursor:
        for condition, params in _in_lists(column, values):
            cursor.execute(select + condition, params)
            found.extend(cursor.fetchall())
    return found


def _rows_delete(model, ids: Iterable[int]) -> None:
    """Delete ``model``'s rows with these primary keys (a table nothing refers to)."""
    quote = connection.ops.quote_name
    delete = f"DELETE FROM {quote(model._meta.db_table)} WHERE "
    with connection.cursor() as cursor:
        for condition, params in _in_lists(model._meta.pk.column, ids):
            cursor.execute(delete + condition, params)


def _stored(values, shingles: int) -> Signature | None:
    values = bytes(values)  # PostgreSQL's driver gives a memoryview
    return Signature(values, shingles) if values else None


# -- who leads a group ------------------------------------------------------------------


def first_publisher(published: dt.date | None, pk: int) -> tuple:
    """Sort key of a group's members: the first of them is its original."""
    return (published is None, published or dt.date.min, pk)


def groups_settle(originals: Iterable[int]) -> dict[int, int | None]:
    """Give the groups of these articles (originals as a run last knew them) their first
    publisher as original, every other member pointing at it; announce the articles
    changed and return {article id: its new ``duplicate_of_id``} for them."""
    anchors = set(originals)
    if not anchors:
        return {}
    # An article named may have become a copy since (a group re-rooted by another run).
    for part in _parts(anchors):
        rows = Article.objects.filter(pk__in=part, duplicate_of__isnull=False)
        anchors.update(rows.values_list("duplicate_of_id", flat=True))
    members: dict[int, tuple] = {}
    for part in _parts(anchors):
        rows = Article.objects.filter(pk__in=part) | Article.objects.filter(duplicate_of__in=part)
        fields = ("pk", "duplicate_of_id", "published")
        for pk, original, published in rows.order_by().values_list(*fields):
            members[pk] = (original, published)
    return _lead(members)


def _lead(members: dict[int, tuple]) -> dict[int, int | None]:
    """Re-point each group of ``members`` ({id: (duplicate_of_id, published)}) at its
    first publisher, in the database."""
    parent = {pk: pk for pk in members}

    def find(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for pk, (original, _) in members.items():
        if original in parent:
            parent[find(pk)] = find(original)
    groups: dict[int, list[int]] = {}
    for pk in members:
        groups.setdefault(find(pk), []).append(pk)
    changes: dict[int, int | None] = {}
    for group in groups.values():
        first = min(group, key=lambda pk: first_publisher(members[pk][1], pk))
        for pk in group:
            target = None if pk == first else first
            if members[pk][0] != target:
                changes[pk] = target
    _repoint(changes)
    return changes


def _repoint(changes: dict[int, int | None]) -> None:
    by_target: dict[int | None, list[int]] = {}
    for pk, target in changes.items():
        by_target.setdefault(target, []).append(pk)
    # Originals first: a copy must never be left pointing at a copy between two UPDATEs.
    for target, pks in sorted(by_target.items(), key=lambda item: item[0] is not None):
        for part in _parts(pks):
            Article.objects.filter(pk__in=part).update(duplicate_of_id=target)
    announce(changes)  # the copy group is part of the index document


def original_deleted(article: Article) -> None:
    """Before an original is deleted: its earliest copy becomes the others' original
    (rather than every copy becoming an original of its own)."""
    if article.pk is None or article.duplicate_of_id is not None:
        return
    copies = list(Article.objects.filter(duplicate_of=article.pk).values_list("pk", "published"))
    if copies:
        first = min(copies, key=lambda row: first_publisher(row[1], row[0]))[0]
        _repoint({pk: None if pk == first else first for pk, _ in copies})


def article_pre_delete(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        bands_delete([instance.pk])  # no foreign key deletes them with it
    original_deleted(instance)


# -- a run's candidates -----------------------------------------------------------------


class _Known(NamedTuple):
    """A candidate added during a run: forgotten when its savepoint rolls back."""

    index: "CopyIndex"
    article_id: int

    def undo(self) -> None:
        self.index.discard(self.article_id)


class _Queued(NamedTuple):
    """The band table's ANALYZE queued for the commit (``_band_statistics_later``)."""

    index: "CopyIndex"

    def undo(self) -> None:
        self.index._analysed()


class _Led(NamedTuple):
    """Originals a run noted for articles; restored when the savepoint rolls back."""

    roots: dict
    before: dict

    def undo(self) -> None:
        self.roots.update(self.before)


def _band_statistics() -> bool:
    """Whether PostgreSQL has statistics of the band keys: without them it reads the whole
    band table for every look-up of a chunk's keys (a first import into a new database,
    or autovacuum off), with them it uses the key's index."""
    if connection.vendor != "postgresql":
        return True
    table = CopyBand._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stats WHERE tablename = %s AND attname = 'key'", [table])
        return cursor.fetchone() is not None


def _band_statistics_later(done: Callable[[], None]) -> None:
    """Gather the band table's statistics once the chunk's transaction commits, then call
    ``done``: ANALYZE inside it would hold a lock that blocks any other ANALYZE or VACUUM
    of the table until the chunk commits (and the chunk's own rows are then counted)."""

    def analyse() -> None:
        tables_analyze([CopyBand._meta.db_table])
        done()

    transaction.on_commit(analyse)


def _articles_with_keys(keys: set[int]) -> set[int]:
    """The stored articles holding one of these band keys."""
    if connection.vendor != "postgresql" or not keys:
        return {pk for (pk,) in _rows_where(CopyBand, ("article_id",), "key", keys)}
    # One probe of the key's index per key. Asked as ``key = ANY(array)``, the planner
    # reads the whole band table once it holds a few hundred thousand rows (a parallel
    # scan, three processes busy), two to three times as long as the probes: measured
    # with Reuters-21578's 830,000 rows and a chunk's 10,000 keys, 70-76 ms against 28-41.
    # ``OFFSET 0`` keeps the lateral subquery a subquery, so the probes stay probes.
    quote = connection.ops.quote_name
    table, key, article = quote(CopyBand._meta.db_table), quote("key"), quote("article_id")
    sql = (
        f"SELECT found.{article} FROM unnest(%s::bigint[]) AS asked(k) CROSS JOIN LATERAL"
        f" (SELECT {article} FROM {table} WHERE {key} = asked.k OFFSET 0) AS found"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_array_text(sorted(keys))])
        return {pk for (pk,) in cursor.fetchall()}


class CopyIndex:
    """A run's candidate copies: those the database holds for the band keys of its
    chunks (``prefetch``), and the run's own new articles (journaled). Knows each
    candidate's group original, and which groups gained members since ``settle``."""

    def __init__(self, journal: UndoJournal | None = None, *, queues: bool = False) -> None:
        self.journal = journal or UndoJournal()
        self.queues = queues  # an import's: its articles' band keys wait in the queue
        self.table = CandidateTable()
        self.roots: dict[int, int] = {}
        # Each known original's sort key (``first_publisher``): a group gains a new
        # original only when a member sorts before it, and only then is it settled.
        self.firsts: dict[int, tuple] = {}
        self._asked: set[int] = set()
        self._joined: set[int] = set()
        self._planned = False  # the band table has planner statistics
        self._analysing = False  # their gathering is queued for the chunk's commit
        # Its articles' mark in the band queue. A new one for each index, a run's
        # ``reset`` included: the articles queued before it are forgotten, and found
        # again through the queue as another run's.
        self.run = secrets.randbits(62)
        self.queued = 0  # articles it queued since it last asked for their band keys
        self.others_queued = False  # the last chunk found another run's articles queued

    def signatures_store(self, rows: Iterable[tuple[int, str, Signature | None]]) -> None:
        """Store the signatures of new articles, their band keys queued for ``bands_write``
        (the run knows them meanwhile), or written now outside an import."""
        rows = list(rows)
        if not self.queues:
            signatures_store(rows)
            return
        signatures_store(rows, queue=self.run)
        self.queued += sum(1 for *_, sig in rows if sig)

    def keys_wanted(self) -> bool:
        """Whether to ask now for the band keys of the articles the run has queued: every
        ``BAND_BATCH`` articles while another run's articles are queued (that run reads
        this one's queue at each chunk), else every ``BAND_PART``. Alone, a run's
        look-ups are faster with nobody writing the band index meanwhile (Reuters-21578
        on PostgreSQL with a worker beside: 2.4 s of its server's time against 0.8)."""
        return self.queued >= (BAND_BATCH if self.others_queued else BAND_PART)

    def backlog_write(self) -> int:
        """Write the queued band keys now when more than ``BACKLOG`` articles wait (a
        site whose worker is not running): every run reads the queue at each chunk, so
        it must stay short. Up to that, the queue may be another import's, running now,
        and its end asks the worker for it. Returns how many were written."""
        if CopyBandQueue.objects.count() <= BACKLOG:
            return 0
        return bands_write()

    def prefetch(self, signatures: Iterable[Signature | None]) -> None:
        """Read the stored candidates of these texts: the articles sharing a band key
        with one of them. Keys asked before are asked again: an article another run
        stored since may hold one, and the worker may have taken it off the queue."""
        signatures = [sig for sig in signatures if sig is not None]
        keys_fill(signatures)
        keys = {key for sig in signatures for key in sig.keys}
        self._asked |= keys
        if keys and not self._planned and not self._analysing:
            self._planned = _band_statistics()
            if not self._planned:
                self._analysing = True
                _band_statistics_later(self._analysed)
                # A savepoint rolled back drops the queued ANALYZE: asked again then.
                self.journal.record(_Queued(self))
        # The queue first: an article another run takes off it meanwhile has its keys
        # in the band table by the time that is read (the other way round, it is in
        # neither answer on PostgreSQL, where each statement sees the latest commits).
        queued = self._queued_elsewhere()
        self.others_queued = bool(queued)
        found = _articles_with_keys(keys) | queued
        # Not ``found -= self.roots.keys()``: that walks every article the run knows.
        found = {pk for pk in found if pk not in self.roots}
        fields = ("article_id", "values", "shingles", "article__duplicate_of_id")
        dates = ("article__published", "article__duplicate_of__published")
        for part in _parts(found):
            rows = CopySignature.objects.filter(article_id__in=part).values_list(*fields, *dates)
            rows = [(pk, _stored(values, shingles), *rest) for pk, values, shingles, *rest in rows]
            keys_fill(stored for _, stored, *_ in rows)
            for pk, stored, original, published, original_published in rows:
                if stored is not None:
                    self.table.add(pk, stored)
                    self.roots[pk] = root = original or pk
                    self.firsts.setdefault(
                        root, first_publisher(original_published if original else published, root)
                    )

    def _queued_elsewhere(self) -> set[int]:
        """Articles other runs have stored but not yet written the band keys of (a run
        stopped half-way, or one running beside this one): candidates of every text."""
        others = CopyBandQueue.objects.filter(Q(run__lt=self.run) | Q(run__gt=self.run))
        return set(others.values_list("article_id", flat=True))

    def _analysed(self) -> None:
        self._analysing = False  # asked again next time: an empty table leaves none

    def twin_of(self, sig: Signature | None) -> int | None:
        """The original of the group this text is a copy of (negative: an article
        planned in the current chunk), or None."""
        if sig is None:
            return None
        if not self._asked.issuperset(sig.keys):
            self.prefetch([sig])
        best = self.table.best(sig)
        return None if best is None else self.roots[best]

    def add(
        self,
        article_id: int,
        sig: Signature | None,
        original: int | None = None,
        *,
        published: dt.date | None = None,
    ) -> None:
        """A candidate from now on, in the group of ``original`` (None: its own)."""
        if sig is None or article_id in self.roots:
            return
        self.table.add(article_id, sig)  # nothing when kept under it by ``discard``
        self.journal.record(_Known(self, article_id))
        mine = first_publisher(published, article_id)
        if original is None:
            self.roots[article_id] = article_id
            if article_id > 0:
                self.firsts.setdefault(article_id, mine)
            return
        self.roots[article_id] = original
        # A member published no earlier than the original the run knows leaves the group
        # as it is (on the same day the original's lower id wins: it was stored first).
        if original not in self.firsts or mine[:2] < self.firsts[original][:2]:
            self._joined.add(original)

    def discard(self, article_id: int, *, stored_as: int | None = None) -> None:
        """Forget a candidate; with ``stored_as`` (a pending article's id once inserted),
        its signature stays in the table under that id, to be ``add``-ed under it."""
        if stored_as:
            self.table.rename(article_id, stored_as)
        else:
            self.table.discard(article_id)
        self.roots.pop(article_id, None)
        self.firsts.pop(article_id, None)

    def settle(self) -> None:
        """Give the groups joined since the last call their first publisher as original."""
        joined, self._joined = {pk for pk in self._joined if pk > 0}, set()
        changes = groups_settle(joined)
        if not changes:
            return
        for pk in joined | changes.keys():
            self.firsts.pop(pk, None)  # no longer known: the next member settles the group
        before = {pk: self.roots[pk] for pk in changes if pk in self.roots}
        for pk, target in changes.items():
            if pk in self.roots:
                self.roots[pk] = target or pk
        # Candidates whose original was re-pointed follow it.
        moved = {old: new or old for old, new in changes.items()}
        for pk, root in list(self.roots.items()):
            if root in moved and moved[root] != root and pk not in changes:
                before.setdefault(pk, root)
                self.roots[pk] = moved[root]
        self.journal.record(_Led(self.roots, before))


# -- regrouping the archive -------------------------------------------------------------


@dataclass
class RegroupReport:
    signed: int = 0  # articles whose signature was (re)computed
    articles: int = 0  # articles with a signature, grouped
    groups: int = 0  # copy groups of two or more
    changed: int = 0  # articles whose duplicate_of changed


def _stale(everything: bool):
    rows = Article.objects.all()
    if not everything:
        rows = rows.exclude(copy_signature__content_hash=F("content_hash"))
    return rows


def signatures_refresh(*, everything: bool = False, progress: Callable | None = None) -> int:
    """Compute the signatures that are missing or were made from another text (all of
    them with ``everything``); returns how many."""
    ids = list(_stale(everything).order_by("pk").values_list("pk", flat=True))
    for done, part in enumerate(_parts(ids), start=1):
        rows = Article.objects.filter(pk__in=part).values_list("pk", "content_hash", "body")
        with transaction.atomic():
            signatures_replace((pk, digest, signature(body)) for pk, digest, body in rows)
        if progress:
            progress("signatures", min(done * _PER_QUERY, len(ids)), len(ids))
    return len(ids)


def regroup_copies(*, everything: bool = False, progress: Callable | None = None) -> RegroupReport:
    """Recompute signatures where needed, then the copy groups of the whole archive: in
    order of first publication, each article joins the group of the most alike earlier
    article it is a copy of. Articles too short to judge keep the link they have (a
    stated link, the same text under another address); ``progress(step, done, total)``."""
    bands_write()  # a run that stopped half-way left articles queued
    report = RegroupReport(signed=signatures_refresh(everything=everything, progress=progress))
    rows = CopySignature.objects.exclude(values=b"").values_list(
        "article_id", "values", "shingles", "article__published", "article__duplicate_of_id"
    )
    ordered = sorted(rows.iterator(chunk_size=2000), key=lambda r: first_publisher(r[3], r[0]))
    ordered = [
        (pk, _stored(values, shingles), original) for pk, values, shingles, _, original in ordered
    ]
    for part in _parts(ordered, 2000):
        keys_fill(sig for _, sig, _ in part)
    table, wanted, current = CandidateTable(), {}, {}
    for done, (pk, sig, original) in enumerate(ordered, start=1):
        best = table.best(sig)
        wanted[pk] = None if best is None else (wanted[best] or best)
        current[pk] = original
        table.add(pk, sig)
        if progress and (done % 2000 == 0 or done == len(ordered)):
            progress("groups", done, len(ordered))
    changes = {pk: target for pk, target in wanted.items() if current[pk] != target}
    with transaction.atomic():
        _repoint(changes)
        # Those without a signature that pointed into a group now led by another follow it.
        report.changed = len(changes) + len(_follow_leaders(wanted))
    report.articles = len(wanted)
    report.groups = len({target for target in wanted.values() if target is not None})
    return report


def _follow_leaders(wanted: dict[int, int | None]) -> dict[int, int | None]:
    unsigned = Article.objects.filter(duplicate_of__isnull=False).exclude(
        pk__in=CopySignature.objects.exclude(values=b"").values("article_id")
    )
    changes = {}
    for pk, original in unsigned.values_list("pk", "duplicate_of_id"):
        leader = wanted.get(original) if original in wanted else None
        if original in wanted and leader is not None and leader != original:
            changes[pk] = leader
    _repoint(changes)
    return changes
