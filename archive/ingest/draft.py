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
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def replace(self, **changes) -> "ArticleDraft":
        return dataclasses.replace(self, **changes)
