"""The typed request and result of the query service.

Every caller (browser pages, REST API, admin) builds a ``SearchRequest`` and reads a
``SearchResult``; the keys are the same on every path, whatever the backend.
"""

import datetime as dt
from dataclasses import dataclass, field

SORTS = ("relevance", "newest", "oldest")
# How words find articles: by the words themselves, by meaning (the nearest embeddings),
# or both fused (``search.hybrid``). The last two need the semantic layer (SEARCH_SEMANTIC).
MODES = ("keyword", "semantic", "hybrid")
# What one hit of a result stands for: a copy group (an article and its copies, the
# default), each article, or a story (an event's coverage; articles without one alone).
COLLAPSES = ("copies", "none", "stories")
# Whom the outlet facet credits: every outlet that carried a matching article, or, for
# each copy group, its original's outlet only ("original reporting only").
OUTLET_CREDITS = ("all", "original")
MAX_COPIES_LISTED = 20  # a hit lists at most this many of its folded articles
BINS = ("day", "week", "month", "year")  # the histogram's bins, finest first
TAG_KINDS = ("topic", "person", "place", "organization")
FACETS = (
    "outlet",
    "year",
    "month",
    "topic",
    "person",
    "place",
    "organization",
    "author",
    "language",
)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100  # larger page sizes are reduced to it
MAX_PAGE = 10_000  # deeper pages help nobody and cost the engine


class SearchError(Exception):
    """Base of the search domain errors."""


class InvalidQuery(SearchError):
    """A request that cannot be answered as asked (bad sort, page out of range, bad date).

    Query *syntax* errors do not raise: the words are searched literally and the
    result's ``query_error`` says what was wrong.
    """


class InvalidParams(InvalidQuery):
    """Parameters that do not say a search that can be answered, each with its problems."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors  # parameter name -> messages
        super().__init__(
            " ".join(f"{name}: {text}" for name, texts in errors.items() for text in texts)
        )


class SearchUnavailable(SearchError):
    """The index cannot be read (missing, corrupt, locked for too long): answer 503."""

    retry_after = 60  # seconds a client should wait before asking again


class SearchTooCostly(SearchUnavailable):
    """A search ran out of its wall time (``search.budget``): a 503, worth a retry soon."""

    retry_after = 5


@dataclass(frozen=True)
class SearchRequest:
    """What to search for.

    Several values of one filter combine with OR, different filters with AND.
    ``tags`` holds ``kind:slug`` (``person:kim-jong-un``) or a bare slug (any kind).
    ``months`` holds ``YYYY-MM``.
    """

    q: str = ""
    outlets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    months: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    facets: tuple[str, ...] = FACETS
    highlight: bool = True
    explain: bool = False  # say for each hit of the page why it matched
    histogram_bin: str | None = None  # one of BINS; None: chosen from the span of the hits
    # The filter a page is about: ("outlet", slug), ("author", slug) or ("tag", "kind:slug").
    # ANDed with every other filter and kept when a facet is counted, so that an outlet,
    # author or tag page counts its facets among its own articles only.
    scope: tuple[str, str] | None = None
    # When the query finds nothing and a spelling correction does, answer the correction
    # (``SearchResult.corrected_from`` then holds the query as typed).
    autocorrect: bool = False
    collapse: str = "copies"  # one of COLLAPSES
    outlet_credit: str = "all"  # one of OUTLET_CREDITS
    # Look for a "did you mean" when the query finds little (off for alerts' reverse search).
    spelling: bool = True
    mode: str = "keyword"  # one of MODES


@dataclass(frozen=True)
class Highlights:
    """HTML-safe fragments: the text is escaped, matches are wrapped in <mark>."""

    title: str = ""
    body: tuple[str, ...] = ()


# How an explanation names the bonus for query words that stand close together.
NEARNESS = "(query words close together)"


@dataclass(frozen=True)
class TermMatch:
    """One query term's part in a hit's score."""

    term: str  # as the query was understood: "sanction*", "name:jinping", '"kim jong un"'
    forms: tuple[str, ...]  # the article's words that matched it
    fields: tuple[str, ...]  # where they stand: "title", "body", "tag", ...
    score: float  # its part of the hit's score
    share: float  # of the whole score, 0 to 1; the shares add up to 1
    added: bool = False  # not typed: found in the best hits (pseudo-relevance feedback)


@dataclass(frozen=True)
class Explanation:
    """Why an article matched a query, and what made its score."""

    score: float
    matches: tuple[TermMatch, ...]
    missing: tuple[str, ...] = ()  # query terms the article does not have
    matched: bool = True  # False: the article is not a hit of the query at all
    # Semantic and hybrid modes: the share of the score that meaning gave (0 to 1; the
    # terms' shares add up to the rest) and the article's cosine similarity to the query.
    semantic_share: float | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class Hit:
    id: int
    score: float | None
    highlights: Highlights
    # The Article, loaded for the page in one query by the service (None if it vanished).
    article: object | None = None
    explanation: Explanation | None = None  # with SearchRequest(explain=True)
    # The other matching articles this hit stands for (its copies, or its story's other
    # articles), loaded with their outlets, oldest first; at most MAX_COPIES_LISTED.
    copies: tuple = ()
    folded: int = 0  # how many matching articles were folded into this hit (all of them)

    @property
    def copy_group(self) -> int:
        """The id of the copy group's original (the hit's own id when it is one)."""
        return getattr(self.article, "duplicate_of_id", None) or self.id

    @property
    def story(self) -> int | None:
        return getattr(self.article, "story_id", None)


@dataclass(frozen=True)
class FacetValue:
    value: str  # what to send back as a filter value (a slug, a year, "person:kim-jong-un")
    label: str  # what to show a person
    count: int
    selected: bool = False


@dataclass(frozen=True)
class HistogramBucket:
    period: str  # "2018", "2018-05", "2018-W19" (ISO week) or "2018-05-03"
    count: int
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class SearchResult:
    """``total`` counts what the list shows (copy groups or stories when collapsed,
    articles with ``collapse="none"``), and so do the pages, the facets and the histogram;
    ``total_articles`` counts every matching article."""

    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # Bins over where the hits are (``histogram_bin`` wide), empty ones included; hits far
    # before or after them are ``histogram_outside`` (at most one bucket each side).
    histogram: list[HistogramBucket] = field(default_factory=list)
    histogram_bin: str = ""
    histogram_bins: tuple[str, ...] = ()  # the bins a person may switch to
    histogram_outside: list[HistogramBucket] = field(default_factory=list)
    suggestion: str | None = None  # "did you mean", only when it has hits
    # The query as typed, when it found nothing and these are the results of ``suggestion``.
    corrected_from: str | None = None
    parsed: str = ""  # how the query was understood
    query_error: str | None = None  # why the syntax was not understood (searched literally)
    notices: tuple[str, ...] = ()  # what was cut to keep the query bounded (searched anyway)
    took_ms: float = 0.0
    total_articles: int | None = None  # None: the same as ``total``
    collapse: str = "copies"

    @property
    def articles(self) -> int:
        return self.total if self.total_articles is None else self.total_articles

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def past_the_end(self) -> bool:
        """A page asked for after the last one: there are results, none on it."""
        return self.total > 0 and self.page > self.pages


@dataclass(frozen=True)
class Suggestion:
    """An autocomplete entry: a title, a tag or an outlet."""

    text: str
    kind: str  # "title", "outlet", "topic", "person", "place", "organization", "author"
    url: str = ""
