"""The interface every search backend implements; no engine types cross it.

Backends answer raw material: ids, scores, highlights, explanations, and counts keyed by
id or value. The query service looks names up in the database once a search and shapes
facets and the histogram for every engine alike (``search.shaping``).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from search.budget import Budget
from search.types import Explanation, Highlights, SearchRequest

# {article id: (title, summary and body)} of the ids asked for (those still stored).
Texts = Callable[[list[int]], dict[int, tuple[str, str]]]


@dataclass(frozen=True)
class Filters:
    """The request's outlet, author and tag filters as ids (None: no such filter)."""

    outlets: frozenset[int] | None = None
    authors: frozenset[int] | None = None
    # One group per tag kind filtered ("" for bare slugs: any kind); groups are ANDed.
    tags: Mapping[str, frozenset[int]] = field(default_factory=dict)
    # The request's scope: ("outlet" | "author" | "tag", ids); no facet's count leaves it out.
    scope: tuple[str, frozenset[int]] | None = None
    # Only these articles (None: all): alerts match new articles by a search restricted to them.
    ids: frozenset[int] | None = None


@dataclass(frozen=True)
class BackendQuery:
    """A request as the query service hands it to a backend: its filters already ids,
    the tags' other spellings, and where the articles' texts are read."""

    request: SearchRequest
    filters: Filters
    synonyms: Mapping[tuple[str, ...], tuple[str, ...]]  # ``search.query.synonym_table``
    texts: Texts
    budget: Budget = field(default_factory=Budget.from_settings)  # work and time it may take


@dataclass(frozen=True)
class BackendHit:
    id: int
    score: float | None
    highlights: Highlights = field(default_factory=Highlights)
    explanation: Explanation | None = None
    # With a collapse: the ids of the other matching articles of the hit's group, oldest
    # first (at most ``MAX_COPIES_LISTED``), and how many there are in all.
    folded: tuple[int, ...] = ()
    folded_total: int = 0


@dataclass(frozen=True)
class BackendResult:
    """What a backend answers; the query service adds labels, articles and the timing."""

    total: int  # hits under the request's collapse: groups, stories or articles
    hits: list[BackendHit]
    # Facet name -> {key: hits}, each facet counted under every filter but its own, in the
    # unit of ``total`` (a group counts once for each value any of its hits has): outlet,
    # author and tag ids (at least ``search.shaping.contenders``), years, month numbers
    # (``search.shaping.month_number``; under the year filter), language codes.
    counts: dict[str, dict] = field(default_factory=dict)
    # Day (``date.toordinal()``) -> hits under every filter, each at the date of the
    # article the list shows for it (so the days add up to ``total``): the histogram's raw material,
    # from which ``search.shaping`` makes weeks, months and years.
    days: dict[int, int] = field(default_factory=dict)
    suggestion: str | None = None
    parsed: str = ""
    query_error: str | None = None
    notices: tuple[str, ...] = ()
    total_articles: int | None = None  # matching articles, before folding (None: ``total``)


@dataclass(frozen=True)
class TermCounts:
    """Document frequencies of words in a result set and in the whole index: what
    ``search.significance`` scores. Words are folded surface forms, not stems."""

    matched: int  # documents the search matches
    read: int  # documents whose words were counted: all of them, or an even sample
    documents: int  # documents in the index
    # word -> (documents read that have it, documents of the index that have it)
    words: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def sampled(self) -> bool:
        return self.read < self.matched


@dataclass
class MatchingIds:
    """Every hit of a search in its order, uncapped, in batches of ids; ``total`` is known
    before the first batch is read. ``close`` frees what the batches hold (a cursor)."""

    total: int
    batches: Iterator[list[int]]
    parsed: str = ""
    query_error: str | None = None
    notices: tuple[str, ...] = ()
    close: Callable[[], None] = lambda: None


class SearchBackend(ABC):
    """Index and query articles. Implementations live in ``search/backends/<name>/``."""

    @abstractmethod
    def index(self, articles: Iterable) -> int:
        """Add or replace these articles (``archive.models.Article``); returns how many."""

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> int:
        """Remove these article ids; unknown ids are ignored."""

    @abstractmethod
    def search(self, query: BackendQuery) -> BackendResult:
        """Answer a request; a syntax error is reported in the result, never raised."""

    @abstractmethod
    def matching_ids(self, query: BackendQuery, *, batch: int) -> MatchingIds:
        """Every hit's id in the order a search pages them (no page cap), ``batch`` at a
        time, in memory that does not grow with the rows read (Whoosh holds the ids).
        Finding and ordering the hits is a search's work, within ``query.budget``."""

    @abstractmethod
    def matches_among(self, queries: list[BackendQuery]) -> list[set[int]]:
        """For each query, the ids among its ``filters.ids`` (the same for all) that its
        words and filters match, a question settled among those ids as a search settles
        it: no order, scores, counts, highlights or spelling. What alerts ask of their
        saved searches; asked together, the engine may share the work (PostgreSQL reads
        the ids' rows once), and the cost follows the ids more than the archive."""

    @abstractmethod
    def explain(self, query: BackendQuery, article_id: int) -> Explanation | None:
        """Why ``article_id`` matches ``query.request.q`` (scored as in a search for it),
        or an explanation with ``matched=False``; None when the article is not indexed."""

    @abstractmethod
    def more_like_this(
        self, article_id: int, *, texts: Texts, limit: int = 5, exclude: Iterable[int] = ()
    ) -> list[BackendHit]:
        """The most similar articles, excluding the article itself and ``exclude``
        (the query service passes its duplicates)."""

    @abstractmethod
    def suggest_titles(self, prefix: str, *, limit: int = 10) -> list[int]:
        """Ids of the articles whose title has every word of ``prefix``, the last one
        as a word prefix, best first (the service adds titles, names and links)."""

    @abstractmethod
    def term_counts(self, query: BackendQuery, *, sample: int, least: int = 1) -> TermCounts:
        """The words of the documents ``query`` matches (at most ``sample`` of them, evenly
        spread over the article ids) with each word's document frequency in the index;
        words in fewer than ``least`` of the documents read are left out."""

    @abstractmethod
    def rebuild(self, articles: Iterable, *, total: int | None = None) -> int:
        """Build a fresh index from ``articles`` and swap it in; searches keep working."""

    @abstractmethod
    def versions(self) -> dict[int, str]:
        """Every indexed id with the version stamp it was indexed at (for ``check``)."""

    @abstractmethod
    def stats(self) -> dict:
        """Document count, size on disk or in the database, last change; for people."""

    def tables_analyze(self) -> tuple[str, ...]:
        """After many documents changed: gather the planner statistics of the database
        tables the index keeps (their names); none for an index kept in files."""
        return ()
