"""Reuters-21578: the SGML files of the original and their XML versions.

Each ``<REUTERS>`` element is read on its own with a tolerant scanner rather than an
XML parser: the files hold bytes outside any one encoding and character references
(``&#3;``) that XML forbids, and one bad element must not lose the other 999.
"""

import datetime as dt
import html
import re
from collections.abc import Iterator

from archive.ingest.draft import ArticleDraft, ItemFailure, TagRef

OUTLET = "Reuters"
TAG_KINDS = {
    "TOPICS": "topic",
    "PLACES": "place",
    "PEOPLE": "person",
    "ORGS": "organization",
    "EXCHANGES": "organization",
}
_ELEMENT = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
_D = re.compile(r"<D>(.*?)</D>", re.DOTALL)
_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d{2}):(\d{2}))?")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
# The wire's own sign-off and the placeholder body of headline-only items.
_SIGN_OFF = re.compile(r"\n\s*reuters?\s*$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^\s*blah(?:\s+blah)*\.?\s*$", re.IGNORECASE)


def decode(data: bytes) -> str:
    """UTF-8, or Windows-1252 when a stray byte says the file is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _field(block: str, name: str) -> str:
    match = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", block, re.DOTALL)
    return html.unescape(match.group(1)) if match else ""


def parse_date(text: str) -> tuple[dt.date | None, dt.time | None]:
    match = _DATE.search(text)
    if not match:
        return None, None
    day, month, year, hour, minute, second = match.groups()
    try:
        date = dt.date(int(year), _MONTHS[month.lower()], int(day))
        time = dt.time(int(hour), int(minute), int(second)) if hour else None
    except (KeyError, ValueError):
        return None, None
    return date, time


def reflow(body: str) -> str:
    """Join the wire's fixed-width lines into paragraphs; an indented line starts one."""
    paragraphs: list[list[str]] = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        if not paragraphs or line[:1] in (" ", "\t"):
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(p) for p in paragraphs)


def _tags(block: str) -> tuple[TagRef, ...]:
    refs = []
    for element, kind in TAG_KINDS.items():
        for code in _D.findall(_field(block, element)):
            code = html.unescape(code).strip()
            if code:
                refs.append(TagRef(code, kind))
    return tuple(refs)


def draft_from_element(element: str, *, source: str) -> ArticleDraft | None:
    """One ``<REUTERS>`` element as a draft; None when it has neither title nor body."""
    match = _ELEMENT.search(element)
    if not match:
        return None
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    block = match.group(2)
    title = " ".join(_field(block, "TITLE").split())
    body = _field(block, "BODY").replace("\x03", "")
    body = _SIGN_OFF.sub("", body)
    if _PLACEHOLDER.match(body):
        body = ""
    if not title and not body.strip():
        return None
    text = reflow(body) if body.strip() else title
    dateline = " ".join(_field(block, "DATELINE").split()).rstrip(" -")
    if dateline and body.strip():
        text = f"{dateline} - {text}"
    published, published_time = parse_date(_field(block, "DATE"))
    newid = attributes.get("NEWID", "")
    return ArticleDraft(
        body=text,
        raw_text=element,
        title=title,
        outlet=OUTLET,
        published=published,
        published_time=published_time,
        tags=_tags(block),
        language="en",
        source=source,
        external_id=newid,
        item=f"NEWID {newid}" if newid else "",
        clean="light",
    )


def read(
    data: bytes, *, source: str, meta: dict | None = None
) -> Iterator[ArticleDraft | ItemFailure]:
    """Every element with a title or a body; the others are reported as skipped."""
    found = False
    for match in _ELEMENT.finditer(decode(data)):
        found = True
        draft = draft_from_element(match.group(0), source=source)
        if draft is None:
            newid = dict(_ATTRIBUTE.findall(match.group(1))).get("NEWID", "?")
            yield ItemFailure(f"NEWID {newid}", "no title and no body", skipped=True)
        else:
            yield draft.replace(outlet=(meta or {}).get("outlet") or draft.outlet)
    if not found:
        yield ItemFailure("", "no <REUTERS> documents in this file")


def redraft(raw: str, *, source: str) -> ArticleDraft:
    draft = draft_from_element(raw, source=source)
    return draft if draft is not None else ArticleDraft(body="", raw_text=raw, source=source)
