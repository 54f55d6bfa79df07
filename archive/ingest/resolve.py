"""Per-run caches: outlets, authors and tags by name, and which articles already exist.

A run of 20,000 articles must not ask the database "does this tag exist?" 60,000
times. Objects created inside an article's savepoint are remembered with a mark, so a
rolled-back article takes its new outlets, authors and tags out of the cache too.
"""

from archive.ingest.dedupe import NearDuplicateIndex, index_from_database
from archive.ingest.draft import ArticleDraft, TagRef, Vocabulary
from archive.ingest.tagrules import RuleSet
from archive.models import Article, Author, Outlet, Tag, unique_slug

_KINDS = frozenset(Tag.Kind.values)
_MODES = frozenset(Tag.MatchMode.values)


def _domain_label(domain: str) -> str:
    """ "bloomberg.net" -> "bloomberg"; "www.koreaherald.com" -> "koreaherald"."""
    parts = [p for p in domain.casefold().split(".") if p and p != "www"]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")


class Resolver:
    """Finds or creates the rows a draft refers to, remembering them for the run."""

    def __init__(self) -> None:
        self._outlets: dict[str, Outlet] | None = None
        self._described: dict[tuple, bool] = {}
        self._authors: dict[str, Author] = {}
        self._tags: dict[tuple[str, str], Tag] | None = None
        self._known: dict[str, dict] | None = None
        self._near: NearDuplicateIndex | None = None
        self._rules: RuleSet | None = None
        self._journal: list[tuple] = []

    # -- undo --------------------------------------------------------------------------

    def mark(self) -> int:
        return len(self._journal)

    def undo(self, mark: int) -> None:
        """Forget what was added since ``mark`` (its transaction was rolled back)."""
        while len(self._journal) > mark:
            table, key = self._journal.pop()
            if table == "near":
                self.near_duplicates.discard(key)
            else:
                getattr(self, table).pop(key, None)

    def reset(self) -> None:
        """Forget everything (after a whole chunk was rolled back) but the rules."""
        rules = self._rules
        self.__init__()
        self._rules = rules

    def _add(self, table: str, key, value) -> None:
        getattr(self, table)[key] = value
        self._journal.append((table, key))

    # -- outlets -----------------------------------------------------------------------

    @property
    def outlets(self) -> dict[str, Outlet]:
        if self._outlets is None:
            self._outlets = {}
            for outlet in Outlet.objects.all():
                self._outlets.setdefault(outlet.name.casefold(), outlet)
                self._outlets.setdefault(f"slug:{outlet.slug}", outlet)
                if outlet.domain:
                    self._outlets.setdefault(f"label:{_domain_label(outlet.domain)}", outlet)
        return self._outlets

    def outlet(self, name: str, hints: tuple[str, ...] = ()) -> Outlet | None:
        """The outlet named ``name``, else the first hint that names a known outlet."""
        name = name.strip()
        if name:
            found = self._known_outlet(name)
            if found is None:
                found = Outlet.objects.create(name=name[:200])
                self._add("outlets", name.casefold(), found)
                self._add("outlets", f"slug:{found.slug}", found)
            return found
        for hint in hints:
            found = self._known_outlet(hint)
            if found is not None:
                return found
        return None

    def describe_outlet(self, name: str, details: dict[str, str]) -> Outlet | None:
        """The outlet ``name`` (created when unknown), completed with ``details``
        (homepage, domain, country, language): a value given replaces the stored one,
        an empty one leaves it. Each description is applied once a run."""
        key = (name.strip().casefold(), tuple(sorted(details.items())))
        outlet = self.outlet(name)
        if outlet is None or key in self._described:
            return outlet
        changed = [f for f, value in details.items() if value and getattr(outlet, f) != value]
        for field in changed:
            setattr(outlet, field, details[field])
        if changed:
            outlet.save(update_fields=changed)
            if outlet.domain:
                self.outlets.setdefault(f"label:{_domain_label(outlet.domain)}", outlet)
        self._add("_described", key, True)
        return outlet

    def _known_outlet(self, name: str) -> Outlet | None:
        if "@" not in name and "." in name and " " not in name:
            return self.outlets.get(f"label:{_domain_label(name)}")
        return self.outlets.get(name.casefold()) or self.outlets.get(f"slug:{unique_slug(name)}")

    # -- authors -----------------------------------------------------------------------

    @property
    def authors(self) -> dict[str, Author]:
        return self._authors

    def author(self, name: str) -> Author:
        name = " ".join(name.split())[:200]
        slug = unique_slug(name)
        if slug not in self._authors:
            author, created = Author.objects.get_or_create(slug=slug, defaults={"name": name})
            if created:
                self._add("_authors", slug, author)
            else:
                self._authors[slug] = author
        return self._authors[slug]

    # -- tags --------------------------------------------------------------------------

    @property
    def tags(self) -> dict[tuple[str, str], Tag]:
        if self._tags is None:
            self._tags = {}
            for tag in Tag.objects.all():
                self._index_tag(tag, journal=False)
        return self._tags

    def _index_tag(self, tag: Tag, *, journal: bool) -> None:
        keys = [(tag.kind, f"slug:{tag.slug}")]
        keys += [(tag.kind, spelling.casefold()) for spelling in tag.spellings]
        for key in keys:
            if key not in self.tags:
                if journal:
                    self._add("tags", key, tag)
                else:
                    self.tags[key] = tag

    def tag(self, ref: TagRef) -> Tag:
        """The tag of this kind named or aliased ``ref.name``; created when unknown."""
        kind = ref.kind if ref.kind in _KINDS else Tag.Kind.OTHER
        name = " ".join(ref.name.split())[:200]
        tag = self.tags.get((kind, name.casefold()))
        if tag is None:
            slug = unique_slug(name)
            tag = self.tags.get((kind, f"slug:{slug}"))
        if tag is None:
            # The rules are those the archive had before this run created any tag: a
            # rule that comes with an imported tag applies from the next run on, never
            # to some of this run's articles and not others.
            self.rules  # noqa: B018
            tag = Tag.objects.create(
                name=name,
                slug=slug,
                kind=kind,
                aliases=list(dict.fromkeys(a for a in ref.aliases if a.strip())),
                match_mode=ref.match_mode if ref.match_mode in _MODES else "none",
                match_pattern=ref.match_pattern,
            )
            self._index_tag(tag, journal=True)
            return tag
        if not ref.aliases:
            return tag
        known = {s.casefold() for s in tag.spellings}
        new_aliases = [
            a for a in dict.fromkeys(ref.aliases) if a.strip() and a.casefold() not in known
        ]
        if new_aliases:
            tag.aliases = [*tag.aliases, *new_aliases]
            tag.save(update_fields=["aliases"])
            self._index_tag(tag, journal=True)
        return tag

    def vocabulary(self, entry: Vocabulary) -> None:
        """Create (or complete) the outlet, author or tag a record of its own describes."""
        if entry.outlet:
            self.describe_outlet(entry.outlet, dict(entry.outlet_details))
        if entry.author:
            self.author(entry.author)
        if entry.tag is not None:
            self.tag(entry.tag)

    @property
    def rules(self) -> RuleSet:
        if self._rules is None:
            self._rules = RuleSet.load()
        return self._rules

    # -- articles ----------------------------------------------------------------------

    @property
    def known(self) -> dict[str, dict]:
        """Stored articles by content hash, url and (outlet, external id): their ids."""
        if self._known is None:
            self._known = {"hash": {}, "url": {}, "external": {}}
            rows = Article.objects.values_list(
                "id", "content_hash", "url", "outlet_id", "external_id"
            )
            for pk, digest, url, outlet_id, external_id in rows.iterator(chunk_size=5000):
                self._known["hash"][digest] = pk
                if url:
                    self._known["url"][url] = pk
                if external_id:
                    self._known["external"][(outlet_id, external_id)] = pk
        return self._known

    @property
    def near_duplicates(self) -> NearDuplicateIndex:
        if self._near is None:
            self._near = index_from_database()
        return self._near

    def _load(self, pk: int | None) -> Article | None:
        return Article.objects.filter(pk=pk).first() if pk is not None else None

    def by_hash(self, digest: str) -> Article | None:
        return self._load(self.known["hash"].get(digest))

    def match_id(self, draft: ArticleDraft, digest: str) -> int | None:
        """Id of the article this draft is (same url, external id or text), if any.

        A negative id is an article planned in the current chunk but not yet inserted.
        """
        known = self.known
        pk = known["url"].get(draft.url) if draft.url else None
        if pk is None and draft.external_id:
            outlet = self.outlet(draft.outlet, draft.outlet_hints)
            pk = known["external"].get((outlet.pk if outlet else None, draft.external_id))
        if pk is None:
            pk = known["hash"].get(digest)
        return pk

    def existing(self, draft: ArticleDraft, digest: str) -> Article | None:
        """The stored article this draft is: same url, same external id, or same text."""
        pk = self.match_id(draft, digest)
        article = self._load(pk)
        if article is None and pk is not None:
            self.reset()  # another process deleted it; start again from the database
            return self.existing(draft, digest)
        return article

    def plan(self, article: Article, key: int, signature: tuple[int, ...]) -> None:
        """An article to be inserted with its chunk, known meanwhile by a negative key."""
        for table, value in self._keys(article):
            self._add_known(table, value, key)
        if article.duplicate_of_id is None and signature:
            self.near_duplicates.add(key, signature)

    def settle(self, key: int, article: Article, signature: tuple[int, ...]) -> None:
        """The planned article ``key`` was inserted (it has a pk now) or abandoned."""
        for table, value in self._keys(article):
            if self.known[table].get(value) == key:
                del self.known[table][value]
        self.near_duplicates.discard(key)
        if article.pk:
            self.remember(article, signature)

    def _keys(self, article: Article) -> list[tuple[str, object]]:
        keys = [("hash", article.content_hash)]
        if article.url:
            keys.append(("url", article.url))
        if article.external_id:
            keys.append(("external", (article.outlet_id, article.external_id)))
        return keys

    def remember(self, article: Article, signature: tuple[int, ...]) -> None:
        """A new article: known from now on, and a candidate twin if it is an original."""
        self._add_known("hash", article.content_hash, article.pk)
        if article.url:
            self._add_known("url", article.url, article.pk)
        if article.external_id:
            self._add_known("external", (article.outlet_id, article.external_id), article.pk)
        if article.duplicate_of_id is None and signature:
            self.near_duplicates.add(article.pk, signature)
            self._journal.append(("near", article.pk))

    def _add_known(self, table: str, key, pk: int) -> None:
        self.known[table][key] = pk
        self._journal.append(("_known_" + table, key))

    @property
    def _known_hash(self):
        return self.known["hash"]

    @property
    def _known_url(self):
        return self.known["url"]

    @property
    def _known_external(self):
        return self.known["external"]
