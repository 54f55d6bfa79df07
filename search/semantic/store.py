"""The embeddings table: what is pending, and the worker's embedding of it.

An article is pending when it has no row or its row is stale (its text may have
changed). ``embed_backlog`` takes the pending articles in batches: an article whose text
hashes as before is only marked current; the others are encoded and written, one
transaction per batch. A worker killed mid-batch loses that batch's work only, and a
committed batch is never pending again, so nothing is embedded twice. An article the
encoder fails on is set aside (a row without vectors) until its text changes.

No article row is locked: an edit or a delete never waits for the worker. Instead a
batch reads the texts again once it has committed, and marks stale what changed in
between (an edit's own stale mark may have landed on the row the batch replaced); a
batch whose article was deleted under it is written again without it.
"""

import contextlib
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize

from archive.models import Article
from search.locks import IndexBusy, file_lock
from search.models import ArticleEmbedding
from search.semantic.passages import article_passages, article_text, text_hash

log = logging.getLogger(__name__)

# Articles per transaction: a batch encodes in a few seconds on two cores.
EMBED_BATCH = 64
# An arbitrary number, the same for every process: the PostgreSQL lock of the embedders.
_ADVISORY_KEY = 21_0001


def _pending():
    return Article.objects.filter(Q(embedding__isnull=True) | Q(embedding__stale=True))


def backlog_count() -> int:
    return _pending().count()


def mark_stale(article_ids: Iterable[int]) -> int:
    """These articles may have new text: re-examine them (their vectors stay usable)."""
    ids = sorted({int(i) for i in article_ids})
    if not ids:
        return 0
    return ArticleEmbedding.objects.filter(article_id__in=ids, stale=False).update(stale=True)


def embed_backlog(*, limit: int | None = None) -> int:
    """Embed pending articles (at most ``limit``); returns how many were encoded.

    Returns 0 at once when another process is embedding: it drains the same backlog.
    """
    encoded = looked = 0
    with _embedders_lock() as mine:
        if not mine:
            return 0
        while limit is None or looked < limit:
            size = EMBED_BATCH if limit is None else min(EMBED_BATCH, limit - looked)
            ids = list(_pending().order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                break
            encoded += _embed_or_set_aside(ids)
            looked += len(ids)
    return encoded


def _embed_or_set_aside(ids: list[int]) -> int:
    """A batch embedded; when it fails, its articles one at a time, so that one article
    the encoder cannot read does not stop the backlog behind it."""
    tried = _digests(ids) if len(ids) == 1 else {}
    try:
        return _embed_batch(ids)
    except DatabaseError:
        raise
    except Exception as error:
        if len(ids) == 1:
            _set_aside(ids[0], error, tried=tried.get(ids[0]))
            return 0
        log.warning("An embedding batch failed (%s): its articles are tried one by one.", error)
    return sum(_embed_or_set_aside([pk]) for pk in ids)


def _set_aside(pk: int, error: Exception, *, tried: str | None) -> None:
    """An article that failed alone: kept with its text's hash and no vectors (found by
    its words only), so it is tried again when its text changes, not at every batch.
    ``tried``: the hash of the text that failed; edited since, it stays pending."""
    if tried is None:
        return
    row = ArticleEmbedding(article_id=pk, text_hash=tried, vectors=b"", passages=0)
    if _write([row], []):
        log.warning("Article %s not embedded (%s): tried again when its text changes.", pk, error)


def _embed_batch(ids: list[int]) -> int:
    from search.semantic.model import encode

    articles = _texts(ids)
    known = dict(
        ArticleEmbedding.objects.filter(article_id__in=ids).values_list("article_id", "text_hash")
    )
    digests = {pk: text_hash(article_text(a)) for pk, a in articles.items()}
    same = [pk for pk, digest in digests.items() if known.get(pk) == digest]
    changed = [pk for pk in digests if pk not in same]
    passages = {pk: article_passages(articles[pk]) for pk in changed}
    flat = [text for pk in changed for text in passages[pk]]
    vectors = encode(flat)
    rows, at = [], 0
    for pk in changed:
        count = len(passages[pk])
        block = vectors[at : at + count]
        at += count
        rows.append(
            ArticleEmbedding(
                article_id=pk, text_hash=digests[pk], vectors=block.tobytes(), passages=count
            )
        )
    return _write(rows, [(pk, digests[pk]) for pk in same])


def _write(rows: list[ArticleEmbedding], same: list[tuple[int, str]]) -> int:
    """``rows`` written and the articles of ``same`` (id, hash) marked current, each only
    while its text still has the hash encoded; returns how many rows were written."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                # The texts again: an edit made while encoding stays pending rather
                # than being marked current with the old text's vectors.
                now = _digests([r.article_id for r in rows] + [pk for pk, _ in same])
                fresh = [r for r in rows if now.get(r.article_id) == r.text_hash]
                current = [pk for pk, digest in same if now.get(pk) == digest]
                written = [r.article_id for r in fresh]
                ArticleEmbedding.objects.filter(article_id__in=written).delete()
                ArticleEmbedding.objects.bulk_create(fresh)
                ArticleEmbedding.objects.filter(article_id__in=current).update(stale=False)
            break
        except IntegrityError:  # an article deleted since the read: read again
            if attempt == 2:
                raise
    hashes = {r.article_id: r.text_hash for r in fresh} | {pk: now[pk] for pk in current}
    _stale_since(hashes)
    return len(fresh)


def _stale_since(hashes: dict[int, str]) -> None:
    """Marks stale the articles whose text no longer has the hash just written: edited
    after the batch's last read, their own stale mark may have gone with the old row."""
    now = _digests(list(hashes))
    mark_stale(pk for pk, digest in now.items() if digest != hashes[pk])


def _digests(ids: list[int]) -> dict[int, str]:
    return {pk: text_hash(article_text(a)) for pk, a in _texts(ids).items()}


def _texts(ids: list[int]) -> dict:
    articles = Article.objects.filter(pk__in=ids).only("pk", "title", "summary", "body")
    return {a.pk: a for a in articles}


@contextlib.contextmanager
def _embedders_lock() -> Iterator[bool]:
    """One embedder at a time per database: yields whether this process got the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_KEY])
            mine = cursor.fetchone()[0]
        try:
            yield mine
        finally:
            if mine:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_KEY])
        return
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(file_lock(Path(settings.SEARCH_INDEX_DIR) / "embed.lock", wait=0))
        except IndexBusy:
            yield False
            return
        yield True


def embedding_summary() -> str:
    """One line for people (``search_index stats``, the admin's index page)."""
    from search.semantic.availability import semantic_enabled, semantic_missing

    if not semantic_enabled():
        missing = semantic_missing()
        return "off" + (f" (extra not installed: {', '.join(missing)})" if missing else "")
    rows = ArticleEmbedding.objects.aggregate(
        embedded=Count("pk", filter=Q(passages__gt=0)),
        aside=Count("pk", filter=Q(passages=0, stale=False)),
    )
    embedded, aside = rows["embedded"], rows["aside"]
    line = f"{embedded} article{pluralize(embedded)} embedded"
    if aside:  # a row without vectors: the encoder failed on that text (``_set_aside``)
        line += f", {aside} set aside (the encoder failed; tried again when edited)"
    return f"{line}, {backlog_count()} waiting for the worker"
