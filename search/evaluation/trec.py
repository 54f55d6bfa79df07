"""TREC-style collections: a folder with documents, topics and qrels.

- documents: the one ``*.jsonl`` file, an object a line with ``id`` (or ``_id``),
  ``title`` and ``text`` (``authors`` optional);
- topics: the one file named ``*topic*`` or ``*quer*``, either TREC topics
  (``<top> <num> … <title> …``, the title is the question) or ``qid<TAB>question`` lines;
- qrels: the one file named ``*qrel*``, ``qid 0 docid grade`` lines.
"""

import json
import re
from pathlib import Path

from search.evaluation.collections import (
    Collection,
    CollectionError,
    Document,
    Question,
    collapse,
    only_file,
)

_TOP = re.compile(r"<top>(.*?)</top>", re.DOTALL | re.IGNORECASE)
_NUM = re.compile(r"<num>\s*(?:number:)?\s*(\S+)", re.IGNORECASE)
_TITLE = re.compile(r"<title>\s*(?:topic:)?(.*?)(?=<|\Z)", re.DOTALL | re.IGNORECASE)


def documents(text: str, *, name: str) -> list[Document]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            doc_id = str(obj.get("id", obj.get("_id", "")))
            authors = obj.get("authors") or ()
            authors = (authors,) if isinstance(authors, str) else tuple(map(str, authors))
            title, body = collapse(obj.get("title") or ""), obj.get("text") or ""
            found.append(Document(doc_id, title, body.strip(), authors))
        except (ValueError, AttributeError) as exc:
            raise CollectionError(f"{name} line {number}: not a document object ({exc})") from exc
        if not doc_id:
            raise CollectionError(f"{name} line {number}: a document needs an 'id'")
    return found


def topics(text: str) -> list[Question]:
    """TREC ``<top>`` topics (their titles) or ``qid<TAB>question`` lines."""
    blocks = _TOP.findall(text)
    if blocks:
        found = []
        for block in blocks:
            num, title = _NUM.search(block), _TITLE.search(block)
            if num and title and collapse(title.group(1)):
                found.append(Question(num.group(1), collapse(title.group(1))))
        return found
    pairs = (line.split("\t", 1) for line in text.splitlines() if "\t" in line)
    return [Question(qid.strip(), collapse(q)) for qid, q in pairs if collapse(q)]


def qrels(text: str, *, name: str) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise CollectionError(f"{name} line {number}: expected 'qid 0 docid grade'")
        found.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return found


def read(folder: Path) -> Collection:
    """The TREC-style collection in ``folder``."""
    docs = only_file(folder, "*.jsonl")
    topic_file = only_file(folder, "*topic*", "*quer*")
    qrel_file = only_file(folder, "*qrel*")
    return Collection(
        name=folder.name.lower(),
        documents=documents(docs.read_text(encoding="utf-8"), name=docs.name),
        questions=topics(topic_file.read_text(encoding="utf-8")),
        judgements=qrels(qrel_file.read_text(encoding="utf-8"), name=qrel_file.name),
    )
