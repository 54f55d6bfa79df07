"""What to store for a draft, decided without touching the database.

Which stored article a draft is, in order: the same url; the same outlet and external
id; the same text (content hash). The same text under a different url or external id
is a distinct document of the same story: it is created and linked to its twin through
``duplicate_of``, and its content hash is salted with that identity.

A plan says what to do (create, update, or nothing: a duplicate), with the digest, the
twin, the byline's author ids and the tag ids; ``bulk.ChunkWriter`` carries out the
plans of new articles a chunk at a time, ``store.article_store`` any plan, one by one.
"""

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from archive.ingest.articletext import document_identity, salted_hash
from archive.ingest.dedupe import Signature
from archive.ingest.draft import ArticleDraft, TextMeasures
from archive.ingest.normalize import content_hash
from archive.ingest.tagrules import RuleSet
from archive.models import Article


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Columns:
    """An article's own fields as the writer sets them."""

    title: str = ""
    summary: str = ""
    body: str = ""
    raw_text: str = ""
    url: str | None = None
    outlet_id: int | None = None
    published: dt.date | None = None
    published_time: dt.time | None = None
    language: str = ""
    # Not compared: a change of these alone does not make an update (see ``changes``).
    source: str = ""
    external_id: str = ""
    content_hash: str = ""
    word_count: int = 0

    @classmethod
    def of(cls, article: Article) -> "Columns":
        return cls(**{f.name: getattr(article, f.name) for f in fields(cls)})

    def merged(self, draft: ArticleDraft, *, digest: str, words: int, outlet_id: int | None):
        """These columns with the draft's text and metadata; its empty fields keep ours."""
        return Columns(
            title=draft.title.strip()[:500],
            summary=draft.summary or self.summary,
            body=draft.body,
            raw_text=draft.raw_text or self.raw_text,
            url=draft.url or self.url,
            outlet_id=self.outlet_id if outlet_id is None else outlet_id,
            published=draft.published or self.published,
            published_time=draft.published_time or self.published_time,
            language=draft.language or self.language,
            source=draft.source or self.source,
            external_id=draft.external_id or self.external_id,
            content_hash=digest,
            word_count=words,
        )

    def changes(self, other: "Columns") -> bool:
        """Whether what a reader sees differs (text, link, outlet, dates, language)."""
        return self.shown() != other.shown()

    def shown(self) -> tuple:
        return (
            self.title,
            self.summary,
            self.body,
            self.raw_text,
            self.url,
            self.outlet_id,
            self.published,
            self.published_time,
            self.language,
        )

    def apply(self, article: Article) -> None:
        for name, value in vars(self).items():
            setattr(article, name, value)


_NEW = Columns()


@dataclass(frozen=True)
class Refs:
    """What a draft names, found or created: outlet, byline in order, its own tags."""

    outlet_id: int | None
    author_ids: tuple[int, ...]
    tag_ids: frozenset[int]


@dataclass(frozen=True)
class Stored:
    """A stored article as the planner sees it."""

    id: int
    columns: Columns
    author_ids: tuple[int, ...]
    tag_ids: frozenset[int]


@dataclass(frozen=True)
class Plan:
    outcome: Outcome
    columns: Columns
    article_id: int | None = None  # the stored article (an update or a duplicate)
    twin_id: int | None = None  # a new article's original (``duplicate_of``)
    signature: Signature | None = None  # a new article's, stored to find its copies by
    candidate: bool = True  # later texts of the run may be copies of it
    author_ids: tuple[int, ...] | None = None  # the byline to write; None keeps it
    tag_ids: frozenset[int] = field(default_factory=frozenset)  # tags to link
    save: bool = False  # the stored article's columns change


@dataclass(frozen=True)
class Identity:
    """Under which hash a draft matched to a stored article is stored, and whether it is
    another document with that article's text (then ``twin_id`` is that article's original)."""

    digest: str
    twin_id: int | None = None


def draft_digest(draft: ArticleDraft, measures: TextMeasures) -> str:
    """The draft's content hash; the salted one its source declares, when it is that.

    An archive salts the hash of the second document with the same text. Which one is
    second depends on the order they came in, so an export (in date order) may list them
    the other way round: keeping the declared salted hash, after checking it is the salt
    of this very text and identity, keeps the hashes as they were instead of swapping them.
    """
    digest, declared = measures.digest, draft.declared_hash
    if declared and declared != digest and declared == salted_hash(digest, _identity(draft)):
        return declared
    return digest


def identify(draft: ArticleDraft, digest: str, article: Article) -> Identity:
    """How a draft that matched ``article`` (by url, external id or text) is stored."""
    if article.content_hash == digest and _distinct_document(article, draft):
        twin = article.duplicate_of_id or article.pk
        return Identity(salted_hash(digest, _identity(draft)), twin_id=twin)
    if article.content_hash != digest:
        salted = salted_hash(content_hash(article.body), _identity(draft))
        if article.content_hash == salted:
            return Identity(salted_hash(digest, _identity(draft)))  # it keeps its salt
    return Identity(digest)


def plan_create(
    draft: ArticleDraft,
    *,
    digest: str,
    measures: TextMeasures,
    refs: Refs,
    rules: RuleSet,
    twin_of: Callable[[Signature | None], int | None],
    twin_id: int | None = None,
) -> Plan:
    """A new article: linked to the original of ``twin_id`` (a stored article with its
    very text) or of the copy group ``twin_of`` finds, unless the source states the
    link itself."""
    signature = measures.signature
    if not draft.duplicate_stated and twin_id is None:
        twin_id = twin_of(signature)
    columns = _NEW.merged(draft, digest=digest, words=measures.word_count, outlet_id=refs.outlet_id)
    ruled = {tag.pk for tag in rules.tags_for(columns.title, columns.body, item=draft.item)}
    return Plan(
        Outcome.CREATED,
        columns,
        twin_id=twin_id,
        signature=signature,
        # A stated link is made at the end of the run (its original may come later): a
        # stated copy is nobody's original meanwhile.
        candidate=not (draft.duplicate_stated and draft.duplicate_of),
        author_ids=refs.author_ids,
        tag_ids=refs.tag_ids | ruled,
    )


def plan_stored(
    draft: ArticleDraft, *, stored: Stored, digest: str, measures: TextMeasures, refs: Refs
) -> Plan:
    """The stored article again: an update when anything a reader sees changes (text,
    metadata, a byline given anew, a tag it lacks), else a duplicate. Tags are only
    added, and rules only tag new articles."""
    columns = stored.columns.merged(
        draft, digest=digest, words=measures.word_count, outlet_id=refs.outlet_id
    )
    save = columns.changes(stored.columns)
    byline = refs.author_ids if draft.authors and refs.author_ids != stored.author_ids else None
    tags = refs.tag_ids - stored.tag_ids
    changed = save or byline is not None or bool(tags)
    return Plan(
        Outcome.UPDATED if changed else Outcome.DUPLICATE,
        columns,
        article_id=stored.id,
        author_ids=byline,
        tag_ids=frozenset(tags),
        save=save,
    )


def _identity(draft: ArticleDraft) -> str:
    return document_identity(external_id=draft.external_id, url=draft.url)


def _distinct_document(article: Article, draft: ArticleDraft) -> bool:
    """Same text, but the source says it is another document (other id or url)."""
    if draft.external_id and article.external_id and draft.external_id != article.external_id:
        return True
    return bool(draft.url and article.url and draft.url != article.url)
