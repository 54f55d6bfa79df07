"""Extraction: what the source did not say, guessed from the text itself.

Every function here only guesses; ``pipeline.prepare`` lets explicit metadata win.
"""

import re

import py3langid

from archive.ingest.clean import Layout, chrome_reason
from archive.ingest.normalize import words

_NAME = r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,3}"
_NAME_LIST = re.compile(rf"^{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})*$")
_BY = re.compile(r"^by\s+(.+?)\s*(?:\(.*\))?$", re.IGNORECASE)
_CONTACT_REPORTERS = re.compile(
    r"^to contact the (?:reporters?|authors?|writers?) on this story:\s*(.+)$", re.IGNORECASE
)
_SOURCE = re.compile(r"^source\s*:\s*([^,;]+)", re.IGNORECASE)
_COPYRIGHT_NAME = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*-\s*\d{4})?)?\s*(.+?)"
    r"(?:,?\s+(?:l\.?p\.?|inc\.?|ltd\.?|llc|co\.?|corp\.?))?[.,]?\s*(?:all rights reserved.*)?$",
    re.IGNORECASE,
)
_EMAIL_DOMAIN = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_MAX_TITLE_WORDS = 30


def split_names(text: str) -> tuple[str, ...]:
    """ "A, B and C" -> ("A", "B", "C")."""
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    return tuple(p.strip(" .") for p in parts if p.strip(" ."))


def is_name_list(line: str) -> bool:
    """A line that is nothing but people's names: "Jihye Lee and Dandan Li"."""
    return bool(_NAME_LIST.match(line.strip())) and len(line.split()) <= 12


def title_from(found: Layout) -> str:
    """The headline: the last title-like line before the article begins."""
    for line in reversed(found.header):
        text = line.strip()
        if chrome_reason(text) or not 3 <= len(text.split()) <= _MAX_TITLE_WORDS:
            continue
        if text.endswith(".") or (" and " in text and is_name_list(text)):
            continue
        return text
    return ""


def title_fallback(body: str) -> str:
    """No headline found: the first line when short, else its first words."""
    first = body.strip().split("\n", 1)[0].strip()
    if len(first.split()) <= _MAX_TITLE_WORDS:
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) > 120:
        sentence = sentence[:120].rsplit(" ", 1)[0] + "…"
    return sentence


def authors_from(found: Layout) -> tuple[str, ...]:
    """Names from a byline above or below the article, or from a contact line."""
    for line in (*found.header, *found.footer, *(line for line, _ in found.dropped)):
        text = line.strip()
        by = _BY.match(text)
        if by and is_name_list(by.group(1)):
            return split_names(by.group(1))
        contact = _CONTACT_REPORTERS.match(text)
        if contact:
            names = [re.split(r"\s+(?:in|at)\s+", part)[0] for part in contact.group(1).split(";")]
            return tuple(name for part in names for name in split_names(part))
    for line in found.header:
        if " and " in line and is_name_list(line):
            return split_names(line)
    return ()


def outlet_hints(text: str) -> tuple[str, ...]:
    """Possible outlets, strongest first: "Source: X", a copyright holder, e-mail domains."""
    hints: list[str] = []
    lines = [line.strip() for line in text.split("\n")]
    for line in lines:
        source = _SOURCE.match(line)
        if source and len(line.split()) < 12:
            hints.append(source.group(1).strip())
    for line in lines:
        holder = _COPYRIGHT_NAME.match(line)
        if holder and len(line.split()) < 12:
            hints.append(holder.group(1).strip(" .,"))
    hints.extend(m.group(1).casefold() for m in _EMAIL_DOMAIN.finditer(text))
    return tuple(dict.fromkeys(h for h in hints if h))


def language_of(text: str) -> str:
    """ISO 639-1 code of the text's language ('' when there is too little to tell)."""
    sample = text[:1500]
    if len(words(sample)) < 5:
        return ""
    code, _ = py3langid.classify(sample)
    return code
