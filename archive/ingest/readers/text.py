"""Plain-text articles, with metadata from a manifest entry or a front-matter block.

Front matter is a block at the very top between two ``---`` lines, one ``key: value``
a line; a value starting with ``[`` or ``{`` is read as JSON, ``authors`` and ``tags``
may also be comma-separated::

    ---
    title: Kim to Xi: No China passing if aid comes
    outlet: Korea JoongAng Daily
    published: 2018-07-17
    authors: Jane Doe, John Roe
    tags: [{"name": "Kim Jong Un", "kind": "person"}]
    ---
"""

import datetime as dt
import json
import re
from collections.abc import Iterator

from archive.ingest.decode import decode_bytes
from archive.ingest.draft import ArticleDraft, IngestError, TagRef

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def parse_published(value) -> tuple[dt.date | None, dt.time | None]:
    """An ISO date or date-time; anything else is an IngestError naming the value."""
    if value in (None, ""):
        return None, None
    text = str(value).strip()
    try:
        if len(text) <= 10:
            return dt.date.fromisoformat(text), None
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise IngestError(
            f"unparseable date {value!r} (expected YYYY-MM-DD or an ISO date-time)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date(), moment.time().replace(tzinfo=None)


def tag_refs(values) -> tuple[TagRef, ...]:
    """Tags given as names or as objects with name, kind, aliases and a matching rule."""
    refs = []
    for value in values or []:
        if isinstance(value, str):
            if value.strip():
                refs.append(TagRef(value.strip()))
            continue
        if not isinstance(value, dict) or not str(value.get("name") or "").strip():
            raise IngestError(f"a tag must be a name or an object with a name, not {value!r}")
        aliases = value.get("aliases") or ()
        if isinstance(aliases, str):
            aliases = [aliases]
        refs.append(
            TagRef(
                str(value["name"]).strip(),
                str(value.get("kind") or "topic"),
                tuple(str(a) for a in aliases),
                str(value.get("match_mode") or ""),
                str(value.get("match_pattern") or ""),
            )
        )
    return tuple(refs)


def names(value) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(str(v).strip() for v in value or () if str(v).strip())


def front_matter(text: str) -> tuple[dict, str]:
    """Split a leading ``---`` block off the text: (metadata, rest)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            continue
        value = value.strip()
        if value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                raise IngestError(f"front matter {key.strip()!r} is not valid JSON") from None
        meta[key.strip().lower()] = value
    return meta, text[match.end() :]


def draft_from_text(text: str, meta: dict, *, source: str, raw: str | None = None) -> ArticleDraft:
    """A draft whose body is the whole text; cleaning and extraction come later."""
    published, published_time = parse_published(meta.get("published"))
    tags = meta.get("tags")
    if isinstance(tags, str):
        tags = [t for t in tags.split(",")]
    return ArticleDraft(
        body=text,
        raw_text=text if raw is None else raw,
        title=str(meta.get("title") or ""),
        summary=str(meta.get("summary") or ""),
        outlet=str(meta.get("outlet") or ""),
        published=published,
        published_time=published_time,
        authors=names(meta.get("authors")),
        tags=tag_refs(tags),
        url=str(meta.get("url") or ""),
        language=str(meta.get("language") or ""),
        source=source,
        external_id=str(meta.get("external_id") or ""),
    )


def read(data: bytes, *, source: str, meta: dict | None = None) -> Iterator[ArticleDraft]:
    raw = decode_bytes(data)
    yield redraft(raw, source=source, meta=meta)


def redraft(raw: str, *, source: str, meta: dict | None = None) -> ArticleDraft:
    found, body = front_matter(raw)
    # Explicit metadata from a manifest entry wins over the file's own front matter.
    return draft_from_text(body, {**found, **(meta or {})}, source=source, raw=raw)


def read_text_file(path, meta: dict | None = None) -> ArticleDraft:
    """One text file as a draft (what ``load_seeds`` uses)."""
    return next(read(path.read_bytes(), source=path.name, meta=meta))
