"""Test collections: documents, questions and relevance judgements, whatever the format."""

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path


class CollectionError(Exception):
    """A collection that cannot be read; the message says which file and why."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    text: str  # as a person would type it: the collection's words, whitespace collapsed


@dataclass(frozen=True)
class Collection:
    """A collection as read; ``judgements`` maps question id -> {document id: grade}."""

    name: str
    documents: list[Document]
    questions: list[Question]
    judgements: dict[str, dict[str, int]] = field(default_factory=dict)

    def judged(self, *, limit: int | None = None) -> list[Question]:
        """The questions with at least one relevant document, in the collection's order
        (the first ``limit``); the others cannot be scored."""
        judged = [
            q for q in self.questions if any(g > 0 for g in self.judgements.get(q.id, {}).values())
        ]
        return judged[:limit] if limit else judged


def collapse(text: str) -> str:
    return " ".join(text.split())


def matching(folder: Path, *patterns: str) -> list[Path]:
    """The files of ``folder`` whose name matches one of ``patterns``, ignoring case
    (collections come as CISI.ALL and cisi.all alike)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and any(fnmatch.fnmatch(p.name.lower(), pat) for pat in patterns)
    )


def only_file(folder: Path, *patterns: str) -> Path:
    """The one file of ``folder`` matching one of ``patterns`` (an error for none or several)."""
    found = matching(folder, *patterns)
    if len(found) != 1:
        what = "no file" if not found else f"{len(found)} files"
        raise CollectionError(f"{folder}: {what} matching {' or '.join(patterns)}, need one")
    return found[0]
