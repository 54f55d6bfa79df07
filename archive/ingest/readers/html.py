"""HTML pages: trafilatura finds the main text and the page's metadata."""

from collections.abc import Iterator

import trafilatura

from archive.ingest.decode import decode_bytes
from archive.ingest.draft import ArticleDraft, IngestError
from archive.ingest.readers.text import draft_from_text


def read(data: bytes, *, source: str, meta: dict | None = None) -> Iterator[ArticleDraft]:
    yield redraft(decode_bytes(data), source=source, meta=meta)


def redraft(raw: str, *, source: str, meta: dict | None = None) -> ArticleDraft:
    try:
        doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    except (ValueError, TypeError) as exc:
        raise IngestError(f"not a readable HTML page ({exc})") from None
    if doc is None or not (doc.text or "").strip():
        raise IngestError("no article text found in the HTML page")
    found = {
        "title": doc.title,
        "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()],
        "published": doc.date,
        "outlet": doc.sitename,
        "url": doc.url,
        "summary": doc.description,
        "language": doc.language,
    }
    found = {key: value for key, value in found.items() if value}
    text = doc.text
    if doc.title and text.split("\n", 1)[0].strip() == doc.title.strip():
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return draft_from_text(text, {**found, **(meta or {})}, source=source, raw=raw)
