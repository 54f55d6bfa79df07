"""The frozen draft that flows through the ingest pipeline."""

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from archive.ingest.dedupe import Signature
from archive.ingest.normalize import storable


class IngestError(Exception):
    """An item that cannot be ingested; the message says why, for a person."""


@dataclass(frozen=True)
class TagRef:
    name: str
    kind: str = "topic"
    aliases: tuple[str, ...] = ()
    match_mode: str = ""
    match_pattern: str = ""
    slug: str = ""  # its address when not made from the name (a labelled code keeps the code)


@dataclass(frozen=True)
class ItemFailure:
    """A reader's report that one item of a file could not be read."""

    item: str
    reason: str
    skipped: bool = False  # nothing wrong, just nothing to import (e.g. no text)
    # Which item it is besides its place in the file, when the item says.
    url: str = ""
    external_id: str = ""

    @classmethod
    def of(cls, draft: "ArticleDraft", reason: str) -> "ItemFailure":
        return cls(draft.item, reason, url=draft.url, external_id=draft.external_id)


@dataclass(frozen=True)
class Vocabulary:
    """A record of its own for an outlet, author or tag, not an article: how an export
    carries those that no exported article uses. Created, or completed, by the import."""

    item: str
    outlet: str = ""
    outlet_details: tuple[tuple[str, str], ...] = ()
    author: str = ""
    tag: TagRef | None = None


@dataclass(frozen=True)
class TextMeasures:
    """What the writer needs of a body, worked out once (``articletext.measure``)."""

    digest: str  # content hash of the body, unsalted
    signature: Signature | None  # for copy detection; None when too short to judge
    word_count: int


@dataclass(frozen=True)
class ArticleDraft:
    """One article on its way in. Steps return new drafts with ``replace``."""

    body: str
    title: str = ""
    raw_text: str = ""
    summary: str = ""
    outlet: str = ""
    # What the source says about the outlet besides its name: (field, value) pairs of
    # homepage, domain, country, language. Completes the outlet's row.
    outlet_details: tuple[tuple[str, str], ...] = ()
    published: dt.date | None = None
    published_time: dt.time | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[TagRef, ...] = ()
    url: str = ""
    language: str = ""
    source: str = ""
    external_id: str = ""
    # True when the source states whether this is a near-duplicate (our own export
    # does): then ``duplicate_of`` (the original's content hash, "" for none) is the
    # link, and near-duplicate detection is not applied to this item.
    duplicate_stated: bool = False
    duplicate_of: str = ""
    # The content hash the source archive had for this item: only a key by which
    # other items of the same run name it in ``duplicate_of``.
    declared_hash: str = ""
    # Where the item came from inside its file (a line number, an id), for error messages.
    item: str = ""
    # "full": scraped text, site chrome to strip; "light": a body that is already the
    # article (our own JSON Lines, a corpus), only normalised.
    clean: str = "full"
    # Guesses found by extraction (copyright, "Source:", e-mail domains); explicit outlet wins.
    outlet_hints: tuple[str, ...] = ()
    # The body's hash, signature and word count, when worked out already (by the process
    # that read the file); a new body drops them.
    measured: TextMeasures | None = field(default=None, compare=False)

    def replace(self, **changes) -> "ArticleDraft":
        if "body" in changes and "measured" not in changes:
            changes["measured"] = None
        return dataclasses.replace(self, **changes)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for part in value:
            yield from _strings(part)
    elif dataclasses.is_dataclass(value):
        for part in dataclasses.fields(value):
            yield from _strings(getattr(value, part.name))


_Record = TypeVar("_Record", ArticleDraft, Vocabulary)


def _cleaned(value):
    """``value`` (a string, or tuples and dataclasses of them) with every string storable."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, tuple):
        return tuple(_cleaned(part) for part in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _cleaned(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def storable_record(record: _Record) -> _Record:
    """The record with every string storable (``normalize.storable``: lone surrogates
    replaced, noncharacters removed), whatever the field; a NUL character anywhere is an
    IngestError naming the field (a sign of binary data, not a stray character)."""
    refuse_nul(record)
    changes = {
        f.name: _cleaned(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name != "measured"
    }
    if isinstance(record, ArticleDraft):
        changes["measured"] = None  # measured again from the storable body
    return dataclasses.replace(record, **changes)


def refuse_nul(record: "ArticleDraft | Vocabulary") -> None:
    """IngestError naming the first field with a NUL character (PostgreSQL cannot
    store one in any text)."""
    for part in dataclasses.fields(record):
        value = getattr(record, part.name)
        if part.name not in ("measured", "item") and any("\x00" in s for s in _strings(value)):
            name = part.name.replace("_", " ")
            raise IngestError(f"the {name} field contains NUL characters")
