"""Running the pipeline over files, folders, globs or an upload, with an ImportBatch.

Drafts are written in chunks: each chunk is one transaction and each article a
savepoint inside it, so a bad article rolls back alone and a crash loses at most the
chunk in flight, never half an article.
"""

import contextlib
import functools
import multiprocessing
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archive.ingest import readers
from archive.ingest.articletext import measure
from archive.ingest.bulk import ChunkWriter
from archive.ingest.cache import import_page_cache
from archive.ingest.draft import ArticleDraft, IngestError, ItemFailure, Vocabulary
from archive.ingest.links import StatedLink, stated_links_apply
from archive.ingest.normalize import REPLACEMENT, storable
from archive.ingest.pipeline import prepare
from archive.ingest.sources import Source, expand, sources_for
from archive.ingest.state import RunState
from archive.ingest.store import INSERT_FAILURES
from archive.ingest.tasks import copy_bands_write_later
from archive.models import ImportBatch
from archive.statistics import import_analyze
from archive.stories.tasks import stories_group_later

CHUNK = 250
# From this many files on, a second process reads and cleans while this one writes.
_PARALLEL_FROM = 4


@dataclass
class Tally:
    """What a run did, kept beside the ImportBatch (which stores the same counts)."""

    batch: ImportBatch
    linked: int = 0
    files: int = 0
    links: list[StatedLink] = field(default_factory=list)
    # Content hashes the source declared for its items -> the articles they became.
    declared: dict[str, int] = field(default_factory=dict)
    # Articles the run created or changed: placed in stories at its end.
    stored: list[int] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        name = {"duplicate": "duplicates"}.get(outcome, outcome)
        setattr(self.batch, name, getattr(self.batch, name) + 1)

    def fail(self, file: str, item: str, reason: str, *, url: str = "", external_id: str = ""):
        """The item was not stored: where it is in its file, which it is (its url or
        external id, when it has them) and why."""
        self.batch.failed += 1
        error = _entry(file, item, reason)
        error.update({k: quoted(v) for k, v in (("url", url), ("external_id", external_id)) if v})
        self.batch.errors.append(error)

    def fail_item(self, file: str, failure: ItemFailure) -> None:
        self.fail(
            file, failure.item, failure.reason, url=failure.url, external_id=failure.external_id
        )

    def skip(self, file: str, item: str, reason: str) -> None:
        """Nothing wrong, nothing to import (no text): counted, and the reason kept."""
        self.batch.skipped += 1
        self.batch.errors.append({**_entry(file, item, reason), "level": "skipped"})

    def warn(self, file: str, item: str, reason: str) -> None:
        """The item was stored, but not all of it could be applied: reported, not failed."""
        self.batch.errors.append({**_entry(file, item, reason), "level": "warning"})


def _entry(file: str, item: str, reason: str) -> dict:
    return {"file": quoted(file), "item": quoted(item), "reason": quoted(reason)}


def quoted(text: str) -> str:
    """What came in (a file's name, an item's values) as a report quotes it: storable, a
    NUL too (shown as U+FFFD), or saving the report would fail in its turn (PostgreSQL's
    jsonb refuses a lone surrogate and a NUL)."""
    return storable(text).replace("\x00", REPLACEMENT)


# -- reading and storing -----------------------------------------------------------------


def read_source(source: Source, *, fmt: str | None, limit: int) -> list[tuple]:
    """Read and prepare one source, touching no database (it may run in a worker).

    Returns events: ("draft", draft), ("fail", ItemFailure) or ("skip", item, reason).
    """
    events: list[tuple] = []
    try:
        kind = readers.format_for(source.name, fmt)
        size = source.size()
        if size > limit:
            raise IngestError(
                f"file is {size:,} bytes, over the limit of {limit:,} (INGEST_MAX_FILE_BYTES)"
            )
        name = Path(source.name).name
        for item in readers.read(source.read(), fmt=kind, source=name, meta=source.meta):
            if isinstance(item, ItemFailure):
                events.append(("skip", item.item, item.reason) if item.skipped else ("fail", item))
                continue
            if isinstance(item, Vocabulary):
                events.append(("draft", item))  # stored in file order, counted in no total
                continue
            try:
                draft = prepare(item)
            except IngestError as exc:
                events.append(("fail", ItemFailure.of(item, str(exc))))
                continue
            events.append(("draft", draft.replace(measured=measure(draft.body))))
    except IngestError as exc:
        events.append(("fail", ItemFailure("", str(exc))))
    except OSError as exc:
        events.append(("fail", ItemFailure("", f"cannot read the file ({exc.strerror or exc})")))
    except Exception as exc:  # a reader's bug must cost this file only, and say so
        reason = f"could not read the file ({type(exc).__name__}: {exc})"
        events.append(("fail", ItemFailure("", reason)))
    return events


def _read_all(sources: Iterable[Source], fmt: str | None) -> Iterator[tuple[Source, list]]:
    """Each source with its events. With several files a second process reads ahead,
    so reading and cleaning use one core while the database writes use the other."""
    reader = functools.partial(read_source, fmt=fmt, limit=settings.INGEST_MAX_FILE_BYTES)
    sources = list(sources)
    if len(sources) < _PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        for source in sources:
            yield source, reader(source)
        return
    with multiprocessing.get_context("fork").Pool(1) as pool:
        yield from zip(sources, pool.imap(reader, sources), strict=True)


def _drafts(sources, fmt: str | None, tally: Tally, bar) -> Iterator[tuple[str, ArticleDraft]]:
    for source, events in _read_all(sources, fmt):
        tally.files += 1
        for event in events:
            if event[0] == "draft":
                if bar is not None:
                    bar.update(1)
                yield source.name, event[1]
            elif event[0] == "skip":
                tally.skip(source.name, event[1], event[2])
            else:
                tally.fail_item(source.name, event[1])


def _chunks(drafts: Iterable[tuple[str, ArticleDraft]]) -> Iterator[list[tuple[str, ArticleDraft]]]:
    chunk = []
    for pair in drafts:
        chunk.append(pair)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _store_chunk(chunk, tally: Tally, state: RunState) -> None:
    # Stated links and declared hashes of this chunk: kept only once it has committed.
    links: list[StatedLink] = []
    declared: list[tuple[str, int]] = []
    stored: list[int] = []

    def report(file: str, draft: ArticleDraft, result, error: str) -> None:
        if result is None:
            tally.fail_item(file, ItemFailure.of(draft, error))
            return
        tally.count(result.outcome)
        pk = result.article.pk
        if result.outcome in ("created", "updated"):
            stored.append(pk)
        if draft.declared_hash:
            declared.append((draft.declared_hash, pk))
        if draft.duplicate_stated:
            links.append(StatedLink(file, draft.item, pk, draft.duplicate_of, result.outcome))
        else:
            tally.linked += result.linked

    counts = _counts(tally.batch), tally.linked
    try:
        with transaction.atomic():
            writer = ChunkWriter(state=state, batch=tally.batch, report=report)
            writer.prepare(draft for _, draft in chunk)
            for file, draft in chunk:
                writer.add(file, draft)
            writer.finish()
            _save_counts(tally.batch)
    except INSERT_FAILURES:
        # The chunk could not commit: forget it and write its articles one by one.
        state.reset()
        _restore_counts(tally.batch, counts[0])
        tally.linked = counts[1]
        links.clear()
        declared.clear()
        stored.clear()
        for file, draft in chunk:
            with transaction.atomic():
                writer = ChunkWriter(state=state, batch=tally.batch, report=report)
                writer.add_one(file, draft)
        _save_counts(tally.batch)
    tally.links.extend(links)
    tally.declared.update(declared)
    tally.stored.extend(stored)


def _report_slow_rules(tally: Tally, state: RunState) -> None:
    """Tag rules that timed out on an article (``tagrules``): stored without that tag."""
    rules = state.vocabulary.loaded_rules
    for item, warning in rules.take_warnings() if rules is not None else ():
        tally.warn(tally.batch.source, item, warning)
    _save_counts(tally.batch)


def _apply_stated_links(tally: Tally) -> None:
    """Make the duplicate links the source stated, now that every item is stored."""
    if not tally.links:
        return
    report = stated_links_apply(links=tally.links, declared=tally.declared)
    for file, item, reason in report.warnings:
        tally.warn(file, item, reason)
    tally.linked += report.linked
    tally.batch.duplicates -= report.relinked
    tally.batch.updated += report.relinked
    _save_counts(tally.batch)


_COUNT_FIELDS = ("created", "updated", "duplicates", "skipped", "failed")


def _counts(batch: ImportBatch) -> tuple:
    return tuple(getattr(batch, f) for f in _COUNT_FIELDS), len(batch.errors)


def _restore_counts(batch: ImportBatch, counts: tuple) -> None:
    values, errors = counts
    for name, value in zip(_COUNT_FIELDS, values, strict=True):
        setattr(batch, name, value)
    del batch.errors[errors:]


def _save_counts(batch: ImportBatch) -> None:
    if batch.pk:
        batch.save(update_fields=[*_COUNT_FIELDS, "errors"])


def run_sources(
    sources: Iterable[Source],
    *,
    batch: ImportBatch,
    fmt: str | None = None,
    dry_run: bool = False,
    progress: bool = False,
    tally: Tally | None = None,
) -> Tally:
    """Read, prepare and store every item of every source, recording the run in ``batch``."""
    tally = tally or Tally(batch)
    state = RunState(queue_bands=True)
    bar = _progress_bar(progress)
    drafts = _drafts(sources, fmt, tally, bar)
    # A dry run is one transaction rolled back at the end; a real run commits chunk by chunk.
    outer = transaction.atomic() if dry_run else contextlib.nullcontext()
    try:
        with import_page_cache(), outer:
            if not dry_run:  # written only to be rolled back, its queue rows locked meanwhile
                state.near.backlog_write()
            for chunk in _chunks(drafts):
                _store_chunk(chunk, tally, state)
                if state.near.keys_wanted():
                    _band_keys_later(state)
            _report_slow_rules(tally, state)
            _apply_stated_links(tally)
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        batch.status = ImportBatch.Status.FAILED
        _finish(batch)
        if not dry_run:
            with contextlib.suppress(Exception):  # the run's own error is the one to raise
                _worker_tasks_later(state, tally)
        raise
    finally:
        if bar is not None:
            bar.close()
    batch.status = ImportBatch.Status.DONE
    _finish(batch)
    if not dry_run:
        try:
            import_analyze(stored=len(tally.stored))
        finally:
            _worker_tasks_later(state, tally)
    return tally


def _worker_tasks_later(state: RunState, tally: Tally) -> None:
    """Ask the worker for what the run's committed chunks leave it: their band keys
    (also what a run that stopped half-way left: other runs read the queue until then),
    then their stories. Last, once the run has written all else: the worker's writes
    would hold SQLite's write lock while the run finished."""
    with import_page_cache():  # ``TASKS_BACKEND=immediate`` writes them here
        _band_keys_later(state)
        stories_group_later(tally.stored)


def _band_keys_later(state: RunState) -> None:
    """Ask the worker to write the band keys of the articles queued (``copies.bands_write``)."""
    copy_bands_write_later()
    state.near.queued = 0


def _finish(batch: ImportBatch) -> None:
    batch.finished_at = timezone.now()
    batch.save()


def _progress_bar(progress: bool):
    if not progress or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True)


def _new_batch(source: str, fmt: str | None, dry_run: bool) -> ImportBatch:
    source = quoted(source)[:500]  # a file name may carry undecodable bytes as surrogates
    return ImportBatch.objects.create(source=source, format=fmt or "", dry_run=dry_run)


def ingest_paths(
    paths: list[Path | str],
    *,
    fmt: str | None = None,
    outlet: str | None = None,
    dry_run: bool = False,
    progress: bool = False,
) -> ImportBatch:
    """Ingest files, folders and globs; returns the run's ImportBatch (also saved).

    ``fmt`` forces a reader (else the extension decides); ``outlet`` names the outlet of
    items that do not say; ``dry_run`` does everything but keep the articles.
    """
    if fmt:
        readers.format_for("", fmt)  # an unknown format is an error before anything runs
    files, errors = expand(paths, fmt)
    batch = _new_batch(", ".join(str(p) for p in paths), readers.formats_of(files, fmt), dry_run)
    tally = Tally(batch)
    for error in errors:
        tally.fail(error["file"], error["item"], error["reason"])
    run_sources(
        sources_for(files, outlet=outlet, warn=tally.warn),
        batch=batch,
        fmt=fmt,
        dry_run=dry_run,
        progress=progress,
        tally=tally,
    )
    batch.linked = tally.linked
    return batch


def ingest_upload(
    name: str,
    data: bytes,
    *,
    fmt: str | None = None,
    outlet: str | None = None,
    dry_run: bool = False,
) -> ImportBatch:
    """Ingest one uploaded file or request body named ``name``."""
    if fmt:
        readers.format_for("", fmt)
    batch = _new_batch(f"upload:{name}", readers.formats_of([name], fmt), dry_run)
    source = Source(name=name, data=data, meta={"outlet": outlet} if outlet else {})
    tally = run_sources([source], batch=batch, fmt=fmt, dry_run=dry_run)
    batch.linked = tally.linked
    return batch
