"""Names for the codes a source tags with (Reuters' ``earn``, ``money-fx``, ``west-germany``).

A label map is {(tag kind, code case-folded): name}. It is read from a file: either
tab-separated lines ``kind<TAB>code<TAB>name`` (any source), or the category list
Reuters-21578 ships (``cat-descriptions_120396.txt``), recognised by its headings. It is
kept in ``TagLabel`` (``labels_store``): a tag created from a code afterwards takes the
name (``archive.ingest.vocabulary``), and ``tags_relabel`` names the tags already there.
"""

import re
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import transaction

from archive.ingest.draft import IngestError, TagRef
from archive.ingest.readers.reuters import decode
from archive.models import Tag, TagLabel
from archive.signals import announce

LabelMap = dict[tuple[str, str], str]

# The Reuters list's headings, and the kind of the codes under each.
_REUTERS_SECTIONS = (
    (re.compile(r"^\*+\s*\w.*Codes \(\d+\)"), "topic"),
    (re.compile(r"^@heading\[(Organization|Exchange) Codes"), "organization"),
    (re.compile(r"^@heading\[Country Codes"), "place"),
    (re.compile(r"^@heading\[People Codes"), "person"),
)
_NAMED = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[A-Z][A-Z0-9-]*)\)\s*(?:@\*)?\s*$")
_BARE = re.compile(r"^(?P<code>[A-Z][A-Z0-9-]*)\s*(?:@\*)?\s*$")
# The last of these in "Deputy Prime Minister and Economy Minister Philippe Maystadt"
# ends a person's office; the name follows it.
_OFFICES = re.compile(
    r"^.*\b(?:President|Minister|Governor|Chancellor|Secretary(?: of \w+)?|Treasurer|Premier|"
    r"Chairman|King|Queen|Leader|Director|Commissioner|Speaker|Senator|Representative|"
    r"Sheikh|Emir|Head|Chief|Prince)\s+(?=[A-Z])"
)
# Words before a person's name that are no part of it: titles, and the ends of offices.
_NOT_NAMES = {"Mr", "Mrs", "Dr", "General", "Major-General", "Director-General"}
_NOT_NAMES |= {"Secretary-General", "Party", "Agency", "Board", "Office", "Council", "Staff"}
_NOT_NAMES |= {"Policy", "Forestry", "Negotiations"}
_PARTICLES = {"de", "la", "du", "von", "van", "del", "der", "al"}
_ABBREVIATIONS = {"us", "usa", "uk", "uae", "ussr"}  # places written in capitals


def read_labels(text: str) -> LabelMap:
    """A label map from a file's text: tab-separated lines, or the Reuters category list."""
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.count("\t") >= 2 for line in lines if not line.startswith("#")):
        return _tab_separated(lines)
    return _reuters(lines)


def label_file(path: str) -> LabelMap:
    """The label map of a file; raises ``IngestError`` when it cannot be read or names
    nothing."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise IngestError(f"Cannot read the labels file {path}: {exc.strerror}.") from exc
    labels = read_labels(decode(data))
    if not labels:
        raise IngestError(f"{path} names no tag codes (kind<TAB>code<TAB>name lines?).")
    return labels


def _tab_separated(lines: list[str]) -> LabelMap:
    labels = {}
    for line in lines:
        if line.startswith("#"):
            continue
        kind, code, name = (part.strip() for part in line.split("\t", 2))
        if kind in Tag.Kind.values and code and name:
            labels[kind, code.casefold()] = name
    return labels


def _reuters(lines: list[str]) -> LabelMap:
    labels, kind = {}, None
    for line in lines:
        kind = next((k for pattern, k in _REUTERS_SECTIONS if pattern.match(line)), kind)
        if kind is None or line.lstrip().startswith(("@", "*", "_")):
            continue
        named, bare = _NAMED.match(line.strip()), _BARE.match(line.strip())
        if named:
            code, name = named["code"], _name(kind, named["code"], named["name"])
        elif bare:
            code, name = bare["code"], _spelled_out(kind, bare["code"])
        else:
            continue
        labels[kind, code.casefold()] = name
    return labels


def _name(kind: str, code: str, described: str) -> str:
    """A name from a description: a person without office, titles or remarks."""
    name = " ".join(described.split())
    if kind != "person":
        return name
    words = _OFFICES.sub("", name).split(",")[0].split()
    kept: list[str] = []
    for word in reversed(words):  # the name ends the description; what comes before it ends it
        lower = not word.lstrip("(")[:1].isupper() and word not in _PARTICLES
        if lower or word in _NOT_NAMES or (word.endswith(")") and "(" not in word):
            break
        kept.insert(0, word)
    return " ".join(kept) or _spelled_out(kind, code)


def _spelled_out(kind: str, code: str) -> str:
    """A bare code as words: WEST-GERMANY "West Germany", CORN-OIL "Corn oil", USA "USA"."""
    words = code.split("-")
    if kind == "place":
        return " ".join(
            w.upper() if w.casefold() in _ABBREVIATIONS else w.capitalize() for w in words
        )
    return (
        " ".join(words).capitalize()
        if kind != "person"
        else " ".join(w.capitalize() for w in words)
    )


def labels_store(labels: LabelMap) -> int:
    """Keep a label map for the imports to come; returns how many labels are new or changed."""
    changed = 0
    with transaction.atomic():
        for (kind, code), name in labels.items():
            _, created = TagLabel.objects.update_or_create(
                kind=kind, code=code, defaults={"name": name}
            )
            changed += 1 if created else 0
    return changed


@dataclass(frozen=True)
class RelabelReport:
    renamed: int  # tags that took their label
    articles: int  # articles queued for the index again


def tags_relabel(labels: LabelMap) -> RelabelReport:
    """Name the archive's tags whose name is a code of the map: the name becomes the
    label, the code an alias, the slug (the tag's address) stays; their articles are
    indexed again."""
    renamed, ids = 0, set()
    with transaction.atomic():
        for tag in Tag.objects.all():
            name = labels.get((tag.kind, tag.name.casefold()))
            if not name or name == tag.name:
                continue
            tag.aliases = [tag.name, *(a for a in tag.aliases or [] if a != name)]
            tag.name = name
            tag.save(update_fields=["name", "aliases"])
            renamed += 1
            ids |= set(tag.articles.values_list("pk", flat=True))
        announce(ids)
    return RelabelReport(renamed=renamed, articles=len(ids))


class Labels:
    """The stored label map, read once, as the import names a new tag from a code."""

    def __init__(self):
        rows = TagLabel.objects.values_list("kind", "code", "name")
        self.names: LabelMap = {(kind, code): name for kind, code, name in rows}

    def labelled(self, ref: TagRef) -> TagRef:
        """The tag a draft names, its code read as its label; the code stays its alias and
        its address (the slug), as when ``tags_relabel`` names a tag imported before."""
        label = self.names.get((ref.kind, " ".join(ref.name.split()).casefold()))
        if not label:
            return ref
        return replace(ref, name=label, aliases=(ref.name, *ref.aliases), slug=ref.name)
