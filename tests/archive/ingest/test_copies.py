"""Copy groups: each kind of edit is found, the first publisher leads, an import reads
only its candidates."""

import datetime as dt
import random
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from archive.ingest import copies, run, store
from archive.ingest.copies import regroup_copies, signatures_replace, signatures_store
from archive.ingest.dedupe import Signature, signature
from archive.ingest.draft import ArticleDraft
from archive.ingest.run import ingest_paths
from archive.ingest.tasks import copy_bands_write_task
from archive.models import Article, CopyBand, CopyBandQueue, CopySignature
from archive.signals import articles_changed
from tests.archive.ingest.conftest import jsonl
from tests.benchmarks.copy_detection import EDITS, edit

pytestmark = pytest.mark.django_db

WIRE = (
    "SEOUL, May 8 - North Korean leader Kim Jong Un met Chinese President Xi Jinping in the "
    "northeastern port city of Dalian this week, the two countries' state media said on "
    "Wednesday, the second visit by Kim to China in less than two months.\n\n"
    "The talks came ahead of a planned summit between Kim and U.S. President Donald Trump, "
    "and analysts said Beijing wanted to make sure its interests were taken into account "
    "in any deal on the peninsula's nuclear weapons programme.\n\n"
    "Xi told Kim that China supported the North's commitment to denuclearisation and its "
    "dialogue with Washington, according to the official Xinhua news agency, which "
    "published photographs of the two men walking along the seafront.\n\n"
    "Kim was quoted as saying that as long as the relevant parties abolished hostile "
    "policies and removed security threats, there was no need for the North to be a "
    "nuclear state, and that denuclearisation could be achieved step by step.\n\n"
    "The visit was not announced in advance, and a plane belonging to Air Koryo, the North's "
    "state airline, was seen at Dalian airport on Monday, according to Japanese media."
)
OTHER = (
    "Dock workers in the port returned to work on Monday after a ten-day strike over pay "
    "ended with an agreement, the union said, and shipping lines said the backlog of "
    "containers waiting on the quays would take at least two weeks to clear.\n\n"
    "The agreement gives workers a rise of four percent this year and three percent next "
    "year, along with a one-off payment, and sets up a committee to look at night shifts. "
    "Employers said the strike had cost the port more than forty million euros."
)


def _item(title: str, body: str, day: int, outlet: str = "Wire") -> dict:
    return {
        "title": title,
        "body": body,
        "outlet": outlet,
        "published": f"2018-05-{day:02}",
        "url": f"https://{outlet.lower()}.example/{title.lower().replace(' ', '-')}",
    }


@pytest.fixture
def band_writes(monkeypatch) -> list[set[int]]:
    """The articles of each write of band rows, as they happen (COPY on PostgreSQL: no
    query log shows them)."""
    written = []
    insert_bands = copies._insert_bands
    monkeypatch.setattr(
        copies,
        "_insert_bands",
        lambda sigs, **kw: [written.append(set(sigs)), insert_bands(sigs, **kw)],
    )
    return written


@pytest.fixture
def ingest_and_work(django_capture_on_commit_callbacks):
    """An import and then what it leaves the worker once it commits (its band keys)."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return ingest_paths(*args, **kwargs)

    return run


def _ids(*titles: str) -> list[int]:
    return [Article.objects.get(title=t).pk for t in titles]


def _original(title: str) -> str:
    article = Article.objects.get(title=title)
    return article.duplicate_of.title if article.duplicate_of else article.title


@pytest.mark.parametrize("kind", EDITS)
def test_each_kind_of_edit_is_grouped_with_its_original(write, kind):
    copy = edit(kind, WIRE, random.Random(1), OTHER)
    items = [_item("Kim meets Xi", WIRE, 8), _item(f"Copy ({kind})", copy, 9, outlet="Yonhap")]
    batch = ingest_paths([write("a.jsonl", jsonl(*items))])
    assert batch.created == 2
    assert _original(f"Copy ({kind})") == "Kim meets Xi"


def test_distinct_articles_are_not_grouped(write, ingest_and_work):
    items = [_item("Kim meets Xi", WIRE, 8), _item("Port strike ends", OTHER, 8)]
    ingest_and_work([write("a.jsonl", jsonl(*items))])
    assert not Article.objects.filter(duplicate_of__isnull=False).exists()
    assert CopySignature.objects.count() == 2
    assert CopyBand.objects.filter(article__title="Kim meets Xi").count() == 42


def test_an_earlier_copy_arriving_later_becomes_the_groups_original(write):
    heard = []

    def listen(sender, ids, **kwargs):
        heard.extend(ids)

    later = [
        _item("Second", edit("chrome", WIRE, random.Random(2), OTHER), 9),
        _item("Third", edit("words", WIRE, random.Random(3), OTHER), 10),
    ]
    ingest_paths([write("a.jsonl", jsonl(*later))])
    assert _original("Third") == "Second"
    articles_changed.connect(listen)
    try:
        ingest_paths([write("b.jsonl", jsonl(_item("First", WIRE, 7)))])
    finally:
        articles_changed.disconnect(listen)
    first, second, third = (Article.objects.get(title=t) for t in ("First", "Second", "Third"))
    assert first.duplicate_of is None
    assert (second.duplicate_of, third.duplicate_of) == (first, first)  # never a chain
    assert {second.pk, third.pk} <= set(heard)  # the search index re-reads them


def test_a_copy_published_after_its_original_joins_without_regrouping(write):
    ingest_paths([write("a.jsonl", jsonl(_item("First", WIRE, 7)))])
    later = [
        _item("Same day", edit("chrome", WIRE, random.Random(2), OTHER), 7),
        _item("Later", edit("words", WIRE, random.Random(3), OTHER), 10),
    ]
    with CaptureQueriesContext(connection) as queries:
        ingest_paths([write("b.jsonl", jsonl(*later))])
    assert [_original(t) for t in ("Same day", "Later")] == ["First", "First"]
    # The run knew the group's original and its date: nothing to re-point, nothing asked.
    assert not [
        q for q in queries.captured_queries if q["sql"].startswith('UPDATE "archive_article"')
    ]


def test_a_later_copy_in_the_same_chunk_joins_the_earliest(write):
    items = [
        _item("Late", edit("trimmed", WIRE, random.Random(4), OTHER), 12),
        _item("Early", WIRE, 6),
        _item("Middle", edit("reordered", WIRE, random.Random(5), OTHER), 9),
    ]
    ingest_paths([write("a.jsonl", jsonl(*items))])
    assert [_original(t) for t in ("Late", "Early", "Middle")] == ["Early"] * 3
    assert Article.objects.get(title="Early").duplicate_of is None


def test_copies_of_an_article_in_the_same_chunk_are_stored_with_it(write):
    items = [
        _item("Kim meets Xi", WIRE, 8),
        _item("Port strike", OTHER, 8),
        _item("Copy", edit("trimmed", WIRE, random.Random(6), OTHER), 9, outlet="Yonhap"),
        _item("Copy 2", edit("reordered", WIRE, random.Random(7), OTHER), 9, outlet="Xinhua"),
    ]
    with CaptureQueriesContext(connection) as queries:
        ingest_paths([write("a.jsonl", jsonl(*items))])
    # One insert of the chunk's articles: the copies are linked once their original has
    # its id, rather than the original being inserted first on its own.
    inserts = [
        q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "archive_article"')
    ]
    assert len(inserts) == 1
    assert [_original(t) for t in ("Copy", "Copy 2", "Port strike")] == [
        "Kim meets Xi",
        "Kim meets Xi",
        "Port strike",
    ]


def test_deleting_an_original_makes_its_earliest_copy_the_original(write):
    items = [
        _item("First", WIRE, 7),
        _item("Third", edit("words", WIRE, random.Random(3), OTHER), 10),
        _item("Second", edit("chrome", WIRE, random.Random(2), OTHER), 9),
    ]
    ingest_paths([write("a.jsonl", jsonl(*items))])
    Article.objects.get(title="First").delete()
    assert Article.objects.get(title="Second").duplicate_of is None
    assert _original("Third") == "Second"


def test_deleting_or_editing_an_article_deletes_its_band_keys(write, ingest_and_work):
    items = [_item("Kim meets Xi", WIRE, 8), _item("Port strike ends", OTHER, 9)]
    ingest_and_work([write("a.jsonl", jsonl(*items))])
    kim, port = (Article.objects.get(title=t) for t in ("Kim meets Xi", "Port strike ends"))
    old_keys = set(CopyBand.objects.filter(article=port).values_list("key", flat=True))
    kim.delete()
    assert not CopyBand.objects.filter(article_id=kim.pk).exists()
    assert CopyBand.objects.filter(article=port).count() == 42
    signatures_replace([(port.pk, "0" * 64, signature(WIRE))])  # a new text
    new_keys = set(CopyBand.objects.filter(article=port).values_list("key", flat=True))
    assert len(new_keys) == 42 and not new_keys & old_keys


def test_regrouping_finds_groups_of_articles_stored_without_signatures(write):
    ingest_paths(
        [
            write(
                "a.jsonl",
                jsonl(
                    _item("Late", edit("added", WIRE, random.Random(6), OTHER), 9),
                    _item("Port", OTHER, 1),
                ),
            )
        ]
    )
    ingest_paths([write("b.jsonl", jsonl(_item("Early", WIRE, 8)))])
    CopySignature.objects.all().delete()
    CopyBand.objects.all().delete()
    Article.objects.update(duplicate_of=None)

    report = regroup_copies()

    assert (report.signed, report.articles, report.groups, report.changed) == (3, 3, 1, 1)
    assert _original("Late") == "Early"
    assert regroup_copies().signed == 0  # only where missing or the text changed
    assert regroup_copies(everything=True).signed == 3


def test_the_command_reports_progress_and_a_summary(write, capsys):
    ingest_paths(
        [
            write(
                "a.jsonl",
                jsonl(
                    _item("A", WIRE, 8), _item("B", edit("words", WIRE, random.Random(7), OTHER), 9)
                ),
            )
        ]
    )
    Article.objects.update(duplicate_of=None)
    call_command("group_articles", "--all")
    out = capsys.readouterr().out
    assert "2 signatures computed" in out
    assert "1 copy group" in out and "1 article re-linked" in out
    assert _original("B") == "A"


def test_a_runs_band_keys_are_written_once_after_it_not_chunk_by_chunk(
    write, monkeypatch, django_capture_on_commit_callbacks, band_writes
):
    # Each chunk's keys land all over the band index: written chunk by chunk, every
    # commit rewrote most of it.
    monkeypatch.setattr(run, "CHUNK", 2)
    items = [_item(f"Story {n}", edit("words", WIRE, random.Random(n), OTHER), 8) for n in range(5)]
    items.append(_item("Port strike ends", OTHER, 9))
    with django_capture_on_commit_callbacks() as after_commit:
        batch = ingest_paths([write("a.jsonl", jsonl(*items))])
    assert batch.created == 6 and not band_writes  # the import leaves its keys to the worker
    assert CopyBandQueue.objects.count() == 6
    asked = [f for f in after_commit if f == copy_bands_write_task.enqueue]
    assert len(asked) == 1  # once, at its end: alone, and fewer than BAND_PART articles
    copies.bands_write()  # what the worker does once the import has committed
    assert band_writes == [set(Article.objects.values_list("pk", flat=True))]
    assert CopyBand.objects.count() == 6 * 42
    assert not CopyBandQueue.objects.exists()
    # Copies in later chunks still found their original in an earlier one.
    assert {_original(f"Story {n}") for n in range(5)} == {"Story 0"}


def test_an_article_a_run_stores_on_its_own_waits_in_the_queue_too(write):
    # The same text under a second address is stored one by one, not in the chunk's
    # bulk insert: its keys are left to the worker as well, not written in the run.
    items = [_item("Kim meets Xi", WIRE, 8), _item("Kim meets Xi again", WIRE, 8)]
    batch = ingest_paths([write("a.jsonl", jsonl(*items))])
    assert batch.created == 2
    assert not CopyBand.objects.exists()
    assert CopyBandQueue.objects.count() == 2


def test_an_article_stored_outside_an_import_has_its_keys_written_at_once():
    # As the API stores one: no run asks the worker afterwards.
    store.article_store(draft=ArticleDraft(title="Kim meets Xi", body=WIRE))
    assert CopyBand.objects.count() == 42 and not CopyBandQueue.objects.exists()


def _queued(count: int, body: str) -> None:
    """Articles of this text that another run (7) stored and queued for their keys."""
    articles = [
        Article.objects.create(title=f"T{n}", body=body, content_hash=f"{n:064x}")
        for n in range(count)
    ]
    sig = signature(body)
    signatures_store([(a.pk, a.content_hash, sig) for a in articles], queue=7)


def _asks_for_keys(write, monkeypatch, capture, count: int) -> int:
    """How many times an import of ``count`` articles, in chunks of two, asks the worker
    for band keys."""
    monkeypatch.setattr(run, "CHUNK", 2)
    items = [_item(f"Story {n}", f"{OTHER} Item {n} " * (n + 1), 8) for n in range(count)]
    with capture() as after_commit:
        ingest_paths([write("a.jsonl", jsonl(*items))])
    return sum(1 for f in after_commit if f == copy_bands_write_task.enqueue)


def test_a_run_importing_alone_asks_for_keys_every_band_part_articles(
    write, monkeypatch, django_capture_on_commit_callbacks
):
    # Alone, nobody else reads its queue: it asks rarely, and its chunks' look-ups probe
    # a band index nobody writes to meanwhile.
    monkeypatch.setattr(copies, "BAND_BATCH", 2)
    monkeypatch.setattr(copies, "BAND_PART", 4)
    asked = _asks_for_keys(write, monkeypatch, django_capture_on_commit_callbacks, 5)
    assert asked == 1 + 1  # once the second chunk makes four, then at the end


def test_a_run_asks_for_keys_every_band_batch_articles_while_another_run_has_some_queued(
    write, monkeypatch, django_capture_on_commit_callbacks
):
    # Another run's article waits for its keys: that run is importing now, and reads
    # this one's queue at each of its chunks, so the queue is kept short.
    other = Article.objects.create(title="Port", body=OTHER, content_hash="e" * 64)
    signatures_store([(other.pk, other.content_hash, signature(OTHER))], queue=7)
    monkeypatch.setattr(copies, "BAND_BATCH", 2)
    asked = _asks_for_keys(write, monkeypatch, django_capture_on_commit_callbacks, 5)
    assert asked == 2 + 1  # after each chunk of two (the last has one), then at the end


def test_the_keys_of_a_long_queue_are_written_a_part_at_a_time(monkeypatch, band_writes):
    # A run of a million articles stopped half-way, or migration 0063's queue: one write
    # of every key at once would hold them all in memory.
    _queued(5, OTHER)
    monkeypatch.setattr(copies, "BAND_PART", 2)
    assert copies.bands_write() == 5
    assert [len(articles) for articles in band_writes] == [2, 2, 1]
    assert CopyBand.objects.count() == 5 * 42 and not CopyBandQueue.objects.exists()


def test_a_run_that_fails_asks_the_worker_for_what_its_chunks_stored(
    write, monkeypatch, django_capture_on_commit_callbacks
):
    def fails(tally):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(run, "_apply_stated_links", fails)  # after every chunk committed
    items = [_item("Kim meets Xi", WIRE, 8), _item("Port strike ends", OTHER, 9)]
    with django_capture_on_commit_callbacks() as after_commit, pytest.raises(RuntimeError):
        ingest_paths([write("a.jsonl", jsonl(*items))])
    assert CopyBandQueue.objects.count() == 2
    asked = [f for f in after_commit if f == copy_bands_write_task.enqueue]
    assert len(asked) == 1  # its queued keys are not left to the next import
    stories = [f for f in after_commit if "stories_group_later" in getattr(f, "__qualname__", "")]
    assert len(stories) == 1  # and its stories are grouped


def test_a_queue_no_longer_than_a_running_import_leaves_is_left_to_the_worker(write, monkeypatch):
    # It may be another import's, running now: the first write of a one-item upload
    # must not be tens of thousands of another run's keys.
    _queued(3, OTHER)
    monkeypatch.setattr(copies, "BACKLOG", 3)
    ingest_paths([write("a.jsonl", jsonl(_item("Kim meets Xi", WIRE, 8)))])
    assert not CopyBand.objects.exists()  # three waiting: not a backlog
    monkeypatch.setattr(copies, "BACKLOG", 2)
    ingest_paths([write("b.jsonl", jsonl(_item("Port strike ends", OTHER, 9)))])
    assert CopyBand.objects.count() == 4 * 42  # four waiting: written first


def test_a_large_key_write_gathers_the_band_tables_statistics(monkeypatch, caplog):
    article = Article.objects.create(title="Kim meets Xi", body=WIRE, content_hash="e" * 64)
    signatures_store([(article.pk, article.content_hash, signature(WIRE))], queue=7)
    monkeypatch.setattr(copies, "ANALYZE_FROM", 2)
    with caplog.at_level("INFO", logger="archive.statistics"):
        copies.bands_write()
    assert "archive_copyband" not in caplog.text  # one article: not worth it
    _queued(2, OTHER)
    with caplog.at_level("INFO", logger="archive.statistics"):
        copies.bands_write()
    assert "planner statistics gathered: archive_copyband" in caplog.text


def test_keys_asked_before_are_asked_again_for_articles_stored_since():
    # Another run stored the original after this one first asked its keys, and the
    # worker has already taken it off the queue: only the band table still shows it.
    index = copies.CopyIndex()
    copy = signature(edit("chrome", WIRE, random.Random(6), OTHER))
    assert index.twin_of(copy) is None
    original = Article.objects.create(title="Kim meets Xi", body=WIRE, content_hash="e" * 64)
    signatures_store([(original.pk, original.content_hash, signature(WIRE))])
    index.prefetch([copy])  # the next chunk, with a text sharing those keys
    assert index.twin_of(copy) == original.pk


def test_articles_a_stopped_run_left_queued_are_found_and_their_keys_written(
    write, ingest_and_work
):
    # A run that stopped half-way: its article stored, its band keys still queued.
    article = Article.objects.create(
        title="Kim meets Xi", body=WIRE, published=dt.date(2018, 5, 8), content_hash="e" * 64
    )
    signatures_store([(article.pk, article.content_hash, signature(WIRE))], queue=7)
    assert not CopyBand.objects.exists()
    copy = edit("chrome", WIRE, random.Random(6), OTHER)
    ingest_and_work([write("a.jsonl", jsonl(_item("Copy", copy, 9, outlet="Yonhap")))])
    assert _original("Copy") == "Kim meets Xi"
    assert not CopyBandQueue.objects.exists()
    assert CopyBand.objects.filter(article=article).count() == 42


def test_a_long_queue_left_by_a_missing_worker_is_written_by_the_next_import(write, monkeypatch):
    # Every run reads the queue at each chunk: without a worker it must not grow forever.
    monkeypatch.setattr(copies, "BACKLOG", 1)
    ingest_paths([write("a.jsonl", jsonl(_item("Kim meets Xi", WIRE, 8), _item("Port", OTHER, 8)))])
    assert CopyBandQueue.objects.count() == 2  # no commit of the test's: no task ran
    copy = _item("Copy", edit("chrome", WIRE, random.Random(6), OTHER), 9, outlet="Yonhap")
    ingest_paths([write("b.jsonl", jsonl(copy))])
    assert CopyBand.objects.filter(article__title__in=["Kim meets Xi", "Port"]).count() == 84
    assert list(CopyBandQueue.objects.values_list("article__title", flat=True)) == ["Copy"]
    assert _original("Copy") == "Kim meets Xi"


def test_a_stored_signature_reads_back_as_written_and_is_stored_once():
    # On PostgreSQL the rows go in by COPY: the bytes must survive its text form, and a
    # conflict must fail as an INSERT does, for the import's one-by-one fallback.
    article = Article.objects.create(title="Kim meets Xi", body=WIRE, content_hash="e" * 64)
    sig = signature(WIRE)
    signatures_store([(article.pk, article.content_hash, sig)], queue=7)
    assert copies._signatures_of([article.pk]) == {article.pk: sig}
    assert CopyBandQueue.objects.get().run == 7
    with pytest.raises(IntegrityError), transaction.atomic():
        signatures_store([(article.pk, article.content_hash, sig)], queue=7)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's writer holds the database")
def test_a_queued_article_written_by_another_run_meanwhile_is_still_found(monkeypatch):
    original = Article.objects.create(
        title="Kim meets Xi", body=WIRE, published=dt.date(2018, 5, 8), content_hash="e" * 64
    )
    signatures_store([(original.pk, original.content_hash, signature(WIRE))], queue=7)
    read_keys = copies._articles_with_keys

    def another_run_writes_its_keys_once_these_are_read(keys):
        found, errors = read_keys(keys), []

        def write_keys():
            try:
                copies.bands_write()
            except Exception as exc:  # reported below, in the test's thread
                errors.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=write_keys)
        thread.start()
        thread.join()
        assert not errors
        return found

    monkeypatch.setattr(
        copies, "_articles_with_keys", another_run_writes_its_keys_once_these_are_read
    )
    copy = signature(edit("chrome", WIRE, random.Random(6), OTHER))
    assert copies.CopyIndex().twin_of(copy) == original.pk
    assert not CopyBandQueue.objects.exists()


def _import_into_archive_of(size: int, write) -> list[str]:
    """The queries of an import of three new articles into an archive of ``size``, one of
    which is the original the new ones are copies of."""
    Article.objects.all().delete()
    rng = random.Random(size)
    words = WIRE.split() + OTHER.split()
    Article.objects.bulk_create(
        Article(title=f"Filler {n}", body=" ".join(rng.sample(words, 60)), content_hash=f"{n:064}")
        for n in range(size - 1)
    )
    original = Article.objects.create(
        title="Port strike ends", body=OTHER, published=dt.date(2018, 5, 1), content_hash="f" * 64
    )
    regroup_copies()
    items = [_item(f"New {n}", edit("words", OTHER, random.Random(n), WIRE), 3) for n in range(3)]
    path = write(f"{size}.jsonl", jsonl(*items))
    with CaptureQueriesContext(connection) as queries:
        batch = ingest_paths([path])
    assert batch.created == 3
    assert Article.objects.filter(duplicate_of=original).count() == 3
    return [q["sql"] for q in queries.captured_queries]


def test_an_import_does_not_read_the_archive(write):
    _import_into_archive_of(10, write)  # the outlet exists from now on
    small = _import_into_archive_of(10, write)
    large = _import_into_archive_of(200, write)
    assert len(large) == len(small)
    # Copy detection was asked: the new texts' band keys, then the stored candidate's
    # signature (and nothing else of the archive's, however large).
    assert any('FROM "archive_copyband"' in sql for sql in large)
    assert any('FROM "archive_copysignature"' in sql for sql in large)
    # Every read of articles or their signatures names what it wants.
    tables = ('FROM "archive_article"', 'FROM "archive_copysignature"', 'FROM "archive_copyband"')
    reads = [sql for sql in large if sql.startswith("SELECT") and any(t in sql for t in tables)]
    assert reads and all(" WHERE " in sql for sql in reads), reads


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite plans without them")
def test_band_statistics_are_gathered_after_the_chunk_commits(
    write, django_capture_on_commit_callbacks
):
    # ANALYZE inside the chunk's transaction would hold its lock until the chunk
    # commits, blocking any other ANALYZE or VACUUM of the table meanwhile.
    outside = len(connection.atomic_blocks)
    analysed = []

    def spy(execute, sql, params, many, context):
        if sql.startswith("ANALYZE"):
            analysed.append(len(connection.atomic_blocks))
        return execute(sql, params, many, context)

    items = [_item("Kim meets Xi", WIRE, 8), _item("Copy", WIRE + " Seoul.", 9, outlet="Yonhap")]
    with connection.execute_wrapper(spy), django_capture_on_commit_callbacks(execute=True):
        ingest_paths([write("a.jsonl", jsonl(*items))])
    assert analysed and set(analysed) == {outside}
    assert _original("Copy") == "Kim meets Xi"


@pytest.mark.django_db(transaction=True)
def test_migrations_0060_and_0062_keep_the_band_rows_both_ways(write):
    from django.db.migrations.executor import MigrationExecutor

    items = [_item("Kim meets Xi", WIRE, 8), _item("Port strike", OTHER, 9)]
    ingest_paths([write("a.jsonl", jsonl(*items))])
    bands = set(CopyBand.objects.values_list("key", "article_id"))
    assert bands

    def rows() -> set:
        with connection.cursor() as cursor:
            cursor.execute('SELECT "key", "article_id" FROM "archive_copyband"')
            return set(cursor.fetchall())

    # Back through 0062 (the article checked and indexed again) and 0060, then forward.
    before, after = (
        ("archive", "0059_webhook_address"),
        ("archive", "0062_copyband_article_unchecked"),
    )
    MigrationExecutor(connection).migrate([before])
    assert rows() == bands  # the old table, with its ids, holds every row again
    MigrationExecutor(connection).migrate([after])
    assert rows() == bands


@pytest.mark.django_db(transaction=True)
def test_migration_0063_requeues_the_signed_articles_and_copies_are_still_found(
    write, ingest_and_work
):
    from django.db.migrations.executor import MigrationExecutor

    items = [_item("Kim meets Xi", WIRE, 8), _item("Port strike", OTHER, 9)]
    ingest_and_work([write("a.jsonl", jsonl(*items))])
    signed = set(CopySignature.objects.filter(shingles__gt=0).values_list("article_id", flat=True))
    MigrationExecutor(connection).migrate([("archive", "0062_copyband_article_unchecked")])
    with connection.cursor() as cursor:  # a key of the function before, left in the table
        cursor.execute('INSERT INTO "archive_copyband" VALUES (%s, %s)', [12345, min(signed)])
    MigrationExecutor(connection).migrate([("archive", "0063_band_keys_requeued")])
    assert not CopyBand.objects.exists()
    assert set(CopyBandQueue.objects.values_list("article_id", flat=True)) == signed

    # The next import finds the original through the queue, then writes every key anew.
    copy = edit("trimmed", WIRE, random.Random(4), OTHER)
    ingest_and_work([write("b.jsonl", jsonl(_item("Copy", copy, 10, outlet="Yonhap")))])
    assert _original("Copy") == "Kim meets Xi"
    assert not CopyBandQueue.objects.exists()
    expected = {
        (key, pk)
        for pk, values, shingles in CopySignature.objects.filter(shingles__gt=0).values_list(
            "article_id", "values", "shingles"
        )
        for key in Signature(bytes(values), shingles).keys
    }
    assert set(CopyBand.objects.values_list("key", "article_id")) == expected
