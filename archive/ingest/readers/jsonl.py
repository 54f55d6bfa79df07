"""JSON Lines (one article object a line) and JSON arrays of the same objects.

This is also the export format and the REST bulk format; see "JSON Lines format" in the
README. A body here is taken as the article's text: it is normalised, not stripped of
site chrome (send scraped pages as text or HTML for that).
"""

import json
from collections.abc import Iterator

from archive.ingest.decode import decode_bytes
from archive.ingest.draft import ArticleDraft, IngestError, ItemFailure
from archive.ingest.readers.text import names, parse_published, tag_refs

_STRING_FIELDS = ("title", "body", "outlet", "url", "summary", "language", "raw_text", "source")


def draft_from_object(obj, *, source: str, item: str) -> ArticleDraft:
    """One JSON object as a draft; a missing title or body is an IngestError."""
    if not isinstance(obj, dict):
        raise IngestError(f"expected an object, found {type(obj).__name__}")
    for name in _STRING_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise IngestError(f"{name!r} must be a string")
    missing = [name for name in ("title", "body") if not (obj.get(name) or "").strip()]
    if missing:
        raise IngestError(f"missing {' and '.join(repr(m) for m in missing)}")
    authors = obj.get("authors") or ()
    if not isinstance(authors, list | tuple | str):
        raise IngestError("'authors' must be a list of names")
    tags = obj.get("tags") or ()
    if not isinstance(tags, list | tuple):
        raise IngestError("'tags' must be a list of names or {name, kind} objects")
    published, published_time = parse_published(obj.get("published"))
    return ArticleDraft(
        body=obj["body"],
        raw_text=obj.get("raw_text") or obj["body"],
        title=obj["title"],
        summary=obj.get("summary") or "",
        outlet=obj.get("outlet") or "",
        published=published,
        published_time=published_time,
        authors=names(authors),
        tags=tag_refs(tags),
        url=obj.get("url") or "",
        language=obj.get("language") or "",
        source=obj.get("source") or source,
        external_id=str(obj.get("external_id") or ""),
        item=item,
        clean="light",
    )


def _one(obj, *, source: str, item: str, meta: dict | None) -> ArticleDraft | ItemFailure:
    if meta and isinstance(obj, dict):
        # Run-wide metadata (--outlet) fills in what the object leaves empty.
        obj = {**meta, **{k: v for k, v in obj.items() if v not in (None, "")}}
    try:
        return draft_from_object(obj, source=source, item=item)
    except IngestError as exc:
        return ItemFailure(item, str(exc))


def read(
    data: bytes, *, source: str, meta: dict | None = None
) -> Iterator[ArticleDraft | ItemFailure]:
    """One object a line; blank lines are skipped, a bad line is reported and skipped."""
    for number, line in enumerate(decode_bytes(data).splitlines(), start=1):
        if not line.strip():
            continue
        item = f"line {number}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield ItemFailure(item, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        yield _one(obj, source=source, item=item, meta=meta)


def read_array(
    data: bytes, *, source: str, meta: dict | None = None
) -> Iterator[ArticleDraft | ItemFailure]:
    """A JSON array of objects (or a single object)."""
    try:
        value = json.loads(decode_bytes(data))
    except ValueError as exc:
        raise IngestError(
            f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "the file may be truncated"
        ) from None
    objects = value if isinstance(value, list) else [value]
    for number, obj in enumerate(objects, start=1):
        yield _one(obj, source=source, item=f"object {number}", meta=meta)


def redraft(raw: str, *, source: str) -> ArticleDraft:
    """A JSON article's raw text is its body as received (or the raw text it carried)."""
    return ArticleDraft(body=raw, raw_text=raw, source=source, clean="light")
