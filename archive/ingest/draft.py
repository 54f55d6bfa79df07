"""The frozen draft that flows through the ingest pipeline."""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field


class IngestError(Exception):
    """An item that cannot be ingested; the message says why, for a person."""


@dataclass(frozen=True)
class TagRef:
    name: str
    kind: str = "topic"
    aliases: tuple[str, ...] = ()
    match_mode: str = ""
    match_pattern: str = ""


@dataclass(frozen=True)
class ItemFailure:
    """A reader's report that one item of a file could not be read."""

    item: str
    reason: str
    skipped: bool = False  # nothing wrong, just nothing to import (e.g. no text)


@dataclass(frozen=True)
class ArticleDraft:
    """One article on its way in. Steps return new drafts with ``replace``."""

    body: str
    title: str = ""
    raw_text: str = ""
    summary: str = ""
    outlet: str = ""
    published: dt.date | None = None
    published_time: dt.time | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[TagRef, ...] = ()
    url: str = ""
    language: str = ""
    source: str = ""
    external_id: str = ""
    # Where the item came from inside its file (a line number, an id), for error messages.
    item: str = ""
    # "full": scraped text, site chrome to strip; "light": a body that is already the
    # article (our own JSON Lines, a corpus), only normalised.
    clean: str = "full"
    # Guesses found by extraction (copyright, "Source:", e-mail domains); explicit outlet wins.
    outlet_hints: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def replace(self, **changes) -> "ArticleDraft":
        return dataclasses.replace(self, **changes)
