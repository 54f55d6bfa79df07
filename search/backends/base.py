"""The interface every search backend implements; no engine types cross it."""

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field

from search.types import Explanation, FacetValue, Highlights, HistogramBucket, SearchRequest


@dataclass(frozen=True)
class BackendHit:
    id: int
    score: float | None
    highlights: Highlights = field(default_factory=Highlights)
    explanation: Explanation | None = None


@dataclass(frozen=True)
class BackendResult:
    """What a backend answers; the query service adds the articles and the timing."""

    total: int
    hits: list[BackendHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    histogram: list[HistogramBucket] = field(default_factory=list)
    suggestion: str | None = None
    parsed: str = ""
    query_error: str | None = None
    notices: tuple[str, ...] = ()


class SearchBackend(ABC):
    """Index and query articles. Implementations live in ``search/backends/<name>.py``."""

    @abstractmethod
    def index(self, articles: Iterable) -> int:
        """Add or replace these articles (``archive.models.Article``); returns how many."""

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> int:
        """Remove these article ids; unknown ids are ignored."""

    @abstractmethod
    def search(self, request: SearchRequest) -> BackendResult:
        """Answer a request; a syntax error is reported in the result, never raised."""

    @abstractmethod
    def explain(self, q: str, article_id: int) -> Explanation | None:
        """Why ``article_id`` matches ``q`` (scored as in a search for ``q``), or an
        explanation with ``matched=False``; None when the article is not indexed."""

    @abstractmethod
    def more_like_this(
        self, article_id: int, *, limit: int = 5, exclude: Iterable[int] = ()
    ) -> list[BackendHit]:
        """The most similar articles, excluding the article itself and ``exclude``
        (the query service passes its duplicates)."""

    @abstractmethod
    def suggest_titles(self, prefix: str, *, limit: int = 10) -> list[tuple[int, str]]:
        """(id, title) of the articles whose title has every word of ``prefix``, the
        last one as a word prefix, best first (the service adds names and links)."""

    @abstractmethod
    def rebuild(self, articles: Iterable, *, total: int | None = None) -> int:
        """Build a fresh index from ``articles`` and swap it in; searches keep working."""

    @abstractmethod
    def versions(self) -> dict[int, str]:
        """Every indexed id with the version stamp it was indexed at (for ``check``)."""

    @abstractmethod
    def stats(self) -> dict:
        """Document count, size on disk or in the database, last change; for people."""
