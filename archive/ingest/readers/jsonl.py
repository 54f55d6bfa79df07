"""JSON Lines (one article object a line) and JSON arrays of the same objects.

This is also the export format and the REST bulk format; see "JSON Lines format" in the
README. A body here is taken as the article's text: it is normalised, not stripped of
site chrome (send scraped pages as text or HTML for that).
"""

import json
from collections.abc import Iterator

from archive.ingest.decode import decode_bytes
from archive.ingest.draft import ArticleDraft, IngestError, ItemFailure, Vocabulary, storable_record
from archive.ingest.normalize import is_web_address
from archive.ingest.readers.text import names, parse_published, tag_refs

_STRING_FIELDS = (
    "title",
    "body",
    "url",
    "summary",
    "language",
    "raw_text",
    "source",
    "content_hash",
)
_VOCABULARY = ("outlet", "author", "tag")
_TOO_DEEP = "invalid JSON (nested too deep to read)"
# An outlet object's fields besides its name, with the longest value each column takes.
OUTLET_FIELDS = {"homepage": 200, "domain": 200, "country": 100, "language": 16}


def outlet_from(value) -> tuple[str, tuple[tuple[str, str], ...]]:
    """An outlet given as a name, or as an object with a name and its metadata."""
    if value is None or isinstance(value, str):
        return value or "", ()
    if not isinstance(value, dict):
        raise IngestError("'outlet' must be a name or an object with a 'name'")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise IngestError("an outlet object needs a 'name'")
    details = []
    for field, longest in OUTLET_FIELDS.items():
        given = value.get(field)
        if given in (None, ""):
            continue
        if not isinstance(given, str):
            raise IngestError(f"outlet {field!r} must be a string")
        if len(given) > longest:
            raise IngestError(f"outlet {field!r} is longer than {longest} characters")
        if field == "homepage" and not is_web_address(given):
            raise IngestError(f"outlet 'homepage' {given[:100]!r} is not a web address")
        details.append((field, given.strip()))
    return name, tuple(details)


def _duplicate_link(obj: dict) -> dict:
    """The draft fields for "duplicate_of": absent says nothing (detection decides);
    null or "" says "not a duplicate"; a string is the original's content hash."""
    if "duplicate_of" not in obj:
        return {}
    value = obj["duplicate_of"]
    if value is not None and not isinstance(value, str):
        raise IngestError("'duplicate_of' must be the original's content hash, or null")
    return {"duplicate_stated": True, "duplicate_of": (value or "").strip()}


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
    outlet, outlet_details = outlet_from(obj.get("outlet"))
    # An explicit "raw_text": "" (an article stored without one) stays empty.
    raw_text = obj["raw_text"] if obj.get("raw_text") is not None else obj["body"]
    return ArticleDraft(
        body=obj["body"],
        raw_text=raw_text,
        title=obj["title"],
        summary=obj.get("summary") or "",
        outlet=outlet,
        outlet_details=outlet_details,
        published=published,
        published_time=published_time,
        authors=names(authors),
        tags=tag_refs(tags),
        url=obj.get("url") or "",
        language=obj.get("language") or "",
        source=obj.get("source") or source,
        external_id=str(obj.get("external_id") or ""),
        declared_hash=obj.get("content_hash") or "",
        item=item,
        clean="light",
        **_duplicate_link(obj),
    )


def vocabulary_from(obj: dict, *, item: str) -> Vocabulary:
    """A record with the single key "outlet", "author" or "tag" (see ``Vocabulary``)."""
    [(key, value)] = obj.items()
    if key == "outlet":
        name, details = outlet_from(value)
        if not name.strip():
            raise IngestError("an outlet record needs a name")
        record = Vocabulary(item, outlet=name, outlet_details=details)
    elif key == "author":
        if not isinstance(value, str) or not value.strip():
            raise IngestError("an author record needs a name")
        record = Vocabulary(item, author=value)
    else:
        [tag] = tag_refs([value]) or [None]
        if tag is None:
            raise IngestError("a tag record needs a name")
        record = Vocabulary(item, tag=tag)
    return storable_record(record)


def is_manifest_record(obj) -> bool:
    """The last line of a search export (``search.export``): it describes the file,
    it is no article, and an import skips it."""
    return isinstance(obj, dict) and list(obj) == ["manifest"]


def _one(
    obj, *, source: str, item: str, meta: dict | None
) -> ArticleDraft | Vocabulary | ItemFailure:
    try:
        if isinstance(obj, dict) and len(obj) == 1 and next(iter(obj)) in _VOCABULARY:
            return vocabulary_from(obj, item=item)
    except IngestError as exc:
        return ItemFailure(item, str(exc))
    if meta and isinstance(obj, dict):
        # Run-wide metadata (--outlet) fills in what the object leaves empty.
        # Only those keys: a stated null elsewhere ("duplicate_of": null) keeps its meaning.
        obj = {**meta, **{k: v for k, v in obj.items() if k not in meta or v not in (None, "")}}
    try:
        return draft_from_object(obj, source=source, item=item)
    except IngestError as exc:
        return ItemFailure(item, str(exc), **_identity(obj))


def _identity(obj) -> dict[str, str]:
    """The url and external id an object gives, to name it in a report (as given: a
    report makes them storable)."""
    if not isinstance(obj, dict):
        return {}
    found = {"url": obj.get("url"), "external_id": obj.get("external_id")}
    return {k: str(v)[:300] for k, v in found.items() if isinstance(v, str | int) and v != ""}


def read(
    data: bytes, *, source: str, meta: dict | None = None
) -> Iterator[ArticleDraft | ItemFailure]:
    """One object a line; blank lines are skipped, a bad line is reported and skipped.

    Lines end at "\n" only (a "\r" before it is JSON whitespace): U+2028, U+0085 and the
    other breaks ``str.splitlines`` knows may stand raw inside a JSON string."""
    for number, line in enumerate(decode_bytes(data).split("\n"), start=1):
        if not line.strip():
            continue
        item = f"line {number}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield ItemFailure(item, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:  # arrays or objects nested thousands deep
            yield ItemFailure(item, _TOO_DEEP)
            continue
        if is_manifest_record(obj):
            continue
        yield _one(obj, source=source, item=item, meta=meta)


def read_array(
    data: bytes, *, source: str, meta: dict | None = None
) -> Iterator[ArticleDraft | ItemFailure]:
    """A JSON array of objects (or a single object)."""
    try:
        value = json.loads(decode_bytes(data))
    except RecursionError:
        raise IngestError(_TOO_DEEP) from None
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
