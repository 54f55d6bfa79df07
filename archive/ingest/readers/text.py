"""Plain-text articles, with metadata from a manifest entry."""

import datetime as dt
from pathlib import Path

from archive.ingest.decode import decode_bytes
from archive.ingest.draft import ArticleDraft, IngestError, TagRef


def parse_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise IngestError(f"unparseable date {value!r} (expected YYYY-MM-DD)") from None


def tag_refs(values) -> tuple[TagRef, ...]:
    refs = []
    for value in values or []:
        if isinstance(value, str):
            refs.append(TagRef(value))
        else:
            refs.append(
                TagRef(value["name"], value.get("kind", "topic"), tuple(value.get("aliases", ())))
            )
    return tuple(refs)


def draft_from_text(text: str, meta: dict, *, source: str) -> ArticleDraft:
    """A draft whose body is the whole text; cleaning and extraction come later."""
    return ArticleDraft(
        body=text,
        raw_text=text,
        title=meta.get("title") or "",
        summary=meta.get("summary") or "",
        outlet=meta.get("outlet") or "",
        published=parse_date(meta.get("published")),
        authors=tuple(meta.get("authors") or ()),
        tags=tag_refs(meta.get("tags")),
        url=meta.get("url") or "",
        language=meta.get("language") or "",
        source=source,
    )


def read_text_file(path: Path, meta: dict | None = None) -> ArticleDraft:
    return draft_from_text(decode_bytes(path.read_bytes()), meta or {}, source=path.name)
