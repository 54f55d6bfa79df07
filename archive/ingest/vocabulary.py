"""A run's vocabulary: outlets, authors and tags found by name, created when unknown.

A run of 20,000 articles must not ask the database "does this tag exist?" 60,000
times: the rows are read once and remembered. What is created is journaled, so an
article whose savepoint rolls back takes its new rows out of the cache too.

The cache can be stale: another import running at the same time may have created a
tag since it was read. Creating therefore takes the row that process stored when the
insert meets it (``_insert_or_find``), on SQLite as on PostgreSQL.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import IntegrityError, transaction
from django.db.models import Model, Q, QuerySet

from archive.ingest.draft import ArticleDraft, TagRef, Vocabulary
from archive.ingest.journal import UndoJournal
from archive.ingest.labels import Labels
from archive.ingest.tagrules import RuleSet
from archive.models import Author, Outlet, SlugRedirect, Tag, unique_slug

_KINDS = frozenset(Tag.Kind.values)
_MODES = frozenset(Tag.MatchMode.values)


def _domain_label(domain: str) -> str:
    """ "bloomberg.net" -> "bloomberg"; "www.koreaherald.com" -> "koreaherald"."""
    parts = [p for p in domain.casefold().split(".") if p and p != "www"]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")


def _is_domain(name: str) -> bool:
    return "@" not in name and "." in name and " " not in name


def _author_name(name: str) -> str:
    return " ".join(name.split())[:200]


def _tag_spelling(ref: TagRef) -> tuple[str, str]:
    """The kind and the name a tag reference is stored under."""
    kind = ref.kind if ref.kind in _KINDS else Tag.Kind.OTHER
    return kind, " ".join(ref.name.split())[:200]


def _tag_key(ref: TagRef) -> tuple[str, str]:
    kind, name = _tag_spelling(ref)
    return kind, unique_slug(ref.slug or name)


def _insert_or_find(model: type[Model], same: Q, **values) -> tuple[Model, bool]:
    """Insert a row, or read the one another process has just inserted in its place;
    ``same`` finds that row (its unique columns). Returns (row, created).

    The insert runs in a savepoint so that the conflict leaves the transaction usable
    (PostgreSQL aborts it otherwise). On PostgreSQL an insert meeting a row another
    transaction has not committed yet waits for it, then fails or succeeds.
    """
    try:
        with transaction.atomic():
            return model.objects.create(**values), True
    except IntegrityError:
        found = model.objects.filter(same).first()
        if found is None:
            raise
        return found, False


def _named(drafts: Iterable[ArticleDraft | Vocabulary]) -> tuple[list, list, list]:
    """The outlets (name, details), authors and tag references the drafts name."""
    outlets: list[tuple[str, dict[str, str]]] = []
    authors: list[str] = []
    tags: list[TagRef] = []
    for draft in drafts:
        if isinstance(draft, Vocabulary):
            outlets += [(draft.outlet, dict(draft.outlet_details))] if draft.outlet else []
            authors += [draft.author] if draft.author else []
            tags += [draft.tag] if draft.tag is not None else []
            continue
        if draft.outlet.strip():
            outlets.append((draft.outlet, dict(draft.outlet_details)))
        authors += draft.authors
        tags += draft.tags
    return outlets, authors, tags


def _moves(field: str) -> QuerySet[SlugRedirect]:
    """The redirects merges of outlets, authors or tags (``field``) left: an import that
    names a merged-away one means its survivor, and must not bring the old one back."""
    return SlugRedirect.objects.filter(**{f"{field}__isnull": False}).select_related(field)


@dataclass
class _Outlets:
    """Outlets by case-folded name, by slug and by the label of their domain."""

    by_name: dict[str, Outlet] = field(default_factory=dict)
    by_slug: dict[str, Outlet] = field(default_factory=dict)
    by_label: dict[str, Outlet] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "_Outlets":
        outlets = cls()
        for outlet in Outlet.objects.all():
            outlets.by_name.setdefault(outlet.name.casefold(), outlet)
            outlets.by_slug.setdefault(outlet.slug, outlet)
            if outlet.domain:
                outlets.by_label.setdefault(_domain_label(outlet.domain), outlet)
        for moved in _moves("outlet"):  # after the live ones: a live name or slug wins
            if moved.old_name:
                outlets.by_name.setdefault(moved.old_name.casefold(), moved.outlet)
            outlets.by_slug.setdefault(moved.old_slug, moved.outlet)
        return outlets

    def find(self, name: str) -> Outlet | None:
        if _is_domain(name):
            return self.by_label.get(_domain_label(name))
        return self.by_name.get(name.casefold()) or self.by_slug.get(unique_slug(name))


@dataclass
class _Tags:
    """Tags by (kind, slug) and by (kind, case-folded name or alias)."""

    by_slug: dict[tuple[str, str], Tag] = field(default_factory=dict)
    by_spelling: dict[tuple[str, str], Tag] = field(default_factory=dict)


class VocabularyCache:
    """Finds or creates the outlets, authors and tags drafts name, remembering them."""

    def __init__(self, journal: UndoJournal | None = None, *, rules: RuleSet | None = None):
        self.journal = journal or UndoJournal()
        self._outlets: _Outlets | None = None
        self._described: dict[tuple, bool] = {}
        self._authors: dict[str, Author] = {}
        self._tags: _Tags | None = None
        self._rules = rules

    # -- outlets -----------------------------------------------------------------------

    @property
    def outlets(self) -> _Outlets:
        if self._outlets is None:
            self._outlets = _Outlets.load()
        return self._outlets

    def find_outlet(self, name: str, hints: tuple[str, ...] = ()) -> Outlet | None:
        """The known outlet named ``name``, else the first hint that names one. Never
        creates: an outlet named but unknown is None, as for no outlet at all."""
        name = name.strip()
        if name:
            return self.outlets.find(name)
        for hint in hints:
            found = self.outlets.find(hint)
            if found is not None:
                return found
        return None

    def outlet(self, name: str, hints: tuple[str, ...] = ()) -> Outlet | None:
        """The outlet named ``name`` (created when unknown), else the first hint that
        names a known outlet."""
        found = self.find_outlet(name, hints)
        name = name.strip()
        if found is None and name:
            name = name[:200]
            same = Q(name=name) | Q(slug=unique_slug(name))
            found, _ = _insert_or_find(Outlet, same, name=name)
            self.journal.put(self.outlets.by_name, name.casefold(), found)
            self.journal.put(self.outlets.by_slug, found.slug, found)
        return found

    def describe_outlet(self, name: str, details: dict[str, str]) -> Outlet | None:
        """The outlet ``name`` (created when unknown), completed with ``details``
        (homepage, domain, country, language): a value given replaces the stored one,
        an empty one leaves it. Each description is applied once a run."""
        key = (name.strip().casefold(), tuple(sorted(details.items())))
        outlet = self.outlet(name)
        if outlet is None or key in self._described:
            return outlet
        changed = [f for f, value in details.items() if value and getattr(outlet, f) != value]
        for column in changed:
            setattr(outlet, column, details[column])
        if changed:
            outlet.save(update_fields=changed)
            if outlet.domain:
                self.outlets.by_label.setdefault(_domain_label(outlet.domain), outlet)
        self.journal.put(self._described, key, True)
        return outlet

    # -- authors -----------------------------------------------------------------------

    def author(self, name: str) -> Author:
        name = _author_name(name)
        slug = unique_slug(name)
        if slug not in self._authors and slug in self._author_moves:
            self._authors[slug] = self._author_moves[slug]
        if slug not in self._authors:
            # get_or_create inserts in a savepoint and reads again after a conflict.
            author, created = Author.objects.get_or_create(slug=slug, defaults={"name": name})
            if created:
                self.journal.put(self._authors, slug, author)
            else:
                self._authors[slug] = author
        return self._authors[slug]

    @cached_property
    def _author_moves(self) -> dict[str, Author]:
        moves = {}
        for moved in _moves("author"):
            moves[moved.old_slug] = moved.author
            if moved.old_name:
                moves.setdefault(unique_slug(_author_name(moved.old_name)), moved.author)
        return moves

    def author_ids(self, names: tuple[str, ...]) -> tuple[int, ...]:
        """The byline's authors, in order, each once."""
        for name in sorted(names, key=lambda n: unique_slug(_author_name(n))):
            self.author(name)  # created in the order ``prepare`` explains
        return tuple(dict.fromkeys(self.author(name).pk for name in names))

    # -- tags --------------------------------------------------------------------------

    @property
    def tags(self) -> _Tags:
        if self._tags is None:
            self._tags = _Tags()
            for tag in Tag.objects.all():
                self._index_tag(tag, journal=False)
            for moved in _moves("tag"):  # a live slug or spelling wins
                self._tags.by_slug.setdefault((moved.kind, moved.old_slug), moved.tag)
                if moved.old_name:
                    spelling = (moved.kind, moved.old_name.casefold())
                    self._tags.by_spelling.setdefault(spelling, moved.tag)
        return self._tags

    def _index_tag(self, tag: Tag, *, journal: bool) -> None:
        tags = self.tags
        keys = [(tags.by_slug, (tag.kind, tag.slug))]
        keys += [(tags.by_spelling, (tag.kind, s.casefold())) for s in tag.spellings]
        for cache, key in keys:
            if key not in cache:
                if journal:
                    self.journal.put(cache, key, tag)
                else:
                    cache[key] = tag

    def tag(self, ref: TagRef) -> Tag:
        """The tag of this kind named or aliased ``ref.name``; created when unknown."""
        ref = self.labels.labelled(ref)  # a source's code read as its name (ingest.labels)
        kind, name = _tag_spelling(ref)
        tag = self.tags.by_spelling.get((kind, name.casefold()))
        if tag is None:
            slug = unique_slug(ref.slug or name)
            tag = self.tags.by_slug.get((kind, slug))
        if tag is None:
            # The rules are those the archive had before this run created any tag: a
            # rule that comes with an imported tag applies from the next run on, never
            # to some of this run's articles and not others.
            self.rules  # noqa: B018
            tag, created = _insert_or_find(
                Tag,
                Q(kind=kind, slug=slug),
                name=name,
                slug=slug,
                kind=kind,
                aliases=list(dict.fromkeys(a for a in ref.aliases if a.strip())),
                match_mode=ref.match_mode if ref.match_mode in _MODES else "none",
                match_pattern=ref.match_pattern,
            )
            self._index_tag(tag, journal=True)
            if created:
                return tag
        if ref.aliases:
            self._add_aliases(tag, ref.aliases)
        return tag

    def _add_aliases(self, tag: Tag, aliases: tuple[str, ...]) -> None:
        known = {s.casefold() for s in tag.spellings}
        new = [a for a in dict.fromkeys(aliases) if a.strip() and a.casefold() not in known]
        if new:
            tag.aliases = [*tag.aliases, *new]
            tag.save(update_fields=["aliases"])
            self._index_tag(tag, journal=True)

    @cached_property
    def labels(self) -> Labels:
        return Labels()

    def tag_ids(self, refs: tuple[TagRef, ...]) -> frozenset[int]:
        # Created in the order of the keys they are stored under (see ``prepare``).
        ordered = sorted(refs, key=lambda ref: _tag_key(self.labels.labelled(ref)))
        return frozenset(self.tag(ref).pk for ref in ordered)

    @property
    def rules(self) -> RuleSet:
        """The archive's tag rules, as they were when the run first needed them."""
        if self._rules is None:
            self._rules = RuleSet.load()
        return self._rules

    @property
    def loaded_rules(self) -> RuleSet | None:
        """The rules if already read (kept when the rest is forgotten), else None."""
        return self._rules

    # -- a chunk's vocabulary at once ----------------------------------------------------

    def prepare(self, drafts: Iterable[ArticleDraft | Vocabulary]) -> None:
        """Find or create, before a chunk's articles, every outlet, author and tag the
        drafts name: outlets, then authors, then tags, each sorted by its unique key.

        On PostgreSQL an insert that meets a row another transaction has inserted but
        not committed waits for that transaction. Two imports creating the same two tags
        in opposite orders would wait for each other (a deadlock, which costs one of
        them its chunk); created in one order by every transaction, they queue instead.
        """
        outlets, authors, tags = _named(drafts)
        for name, details in sorted(outlets, key=lambda o: unique_slug(o[0].strip()[:200])):
            if details:
                self.describe_outlet(name, details)
            else:
                self.outlet(name)
        self.author_ids(tuple(authors))
        self.tag_ids(tuple(tags))

    # -- records of their own ------------------------------------------------------------

    def ensure(self, entry: Vocabulary) -> None:
        """Create (or complete) the outlet, author or tag a record of its own describes."""
        if entry.outlet:
            self.describe_outlet(entry.outlet, dict(entry.outlet_details))
        if entry.author:
            self.author(entry.author)
        if entry.tag is not None:
            self.tag(entry.tag)
