"""The SMART format of the classic collections (CISI, CACM, MED, CRAN…).

``*.ALL`` holds documents, ``*.QRY`` questions: records opened by ``.I <id>``, fields by
a line ``.T`` (title), ``.A`` (authors, one a line), ``.W`` (text), others (``.X``
cross-references, ``.B`` the source…) ignored. ``*.REL`` lists the relevant pairs as
``<question id> <document id> …`` lines; the question ids are the ``.I`` of ``*.QRY``.
"""

import re
from collections.abc import Iterator
from pathlib import Path

from search.evaluation.collections import (
    Collection,
    CollectionError,
    Document,
    Question,
    collapse,
    only_file,
)

_MARKER = re.compile(r"^\.([A-Z])(?:\s+(.*?))?\s*$")


def records(text: str) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """(id, {field letter: lines}) for each ``.I`` record of a SMART file."""
    record_id, fields, current = None, {}, None
    for line in text.splitlines():
        marker = _MARKER.match(line)
        if marker and marker.group(1) == "I":
            if record_id is not None:
                yield record_id, fields
            record_id, fields, current = (marker.group(2) or "").strip(), {}, None
        elif marker:
            current = fields.setdefault(marker.group(1), [])
            if marker.group(2):
                current.append(marker.group(2))
        elif current is not None:
            current.append(line)
    if record_id is not None:
        yield record_id, fields


def documents(text: str) -> list[Document]:
    found = []
    for record_id, fields in records(text):
        authors = tuple(a.strip() for a in fields.get("A", []) if a.strip())
        title = collapse(" ".join(fields.get("T", [])))
        # The text is hard-wrapped prose: one paragraph, as a reader of the archive sees it.
        text = collapse(" ".join(fields.get("W", [])))
        found.append(Document(record_id, title, text, authors))
    return found


def questions(text: str) -> list[Question]:
    found = []
    for record_id, fields in records(text):
        question = collapse(" ".join(fields.get("W", [])))
        if question:
            found.append(Question(record_id, question))
    return found


def judgements(text: str, *, name: str) -> dict[str, dict[str, int]]:
    """Every listed pair is relevant (grade 1); the other columns carry no grade in SMART."""
    found: dict[str, dict[str, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 2:
            raise CollectionError(f"{name} line {number}: expected 'question document …'")
        found.setdefault(parts[0], {})[parts[1]] = 1
    return found


def read(folder: Path) -> Collection:
    """The SMART collection in ``folder`` (one ``*.ALL``, ``*.QRY`` and ``*.REL`` each)."""
    docs, qry, rel = (only_file(folder, f"*.{ext}") for ext in ("all", "qry", "rel"))
    return Collection(
        name=docs.stem.lower(),
        documents=documents(_text(docs)),
        questions=questions(_text(qry)),
        judgements=judgements(_text(rel), name=rel.name),
    )


def _text(path: Path) -> str:
    # The classic collections are ASCII with the odd Latin-1 byte.
    return path.read_bytes().decode("utf-8", errors="replace")
