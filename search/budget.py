"""A bound on the work and the wall time of one search, the same for every engine.

The query service gives each search (and each suggestion, similar-articles list and
explanation) a fresh ``Budget``; the backend charges it as it works, in units that fit
the engine (Whoosh: posting entries read, positions checked, vocabulary entries
scanned; PostgreSQL: the statement's time). Optional work that the units or the first
half of the time cannot pay for (checking phrases in more documents, more words of an
expansion) is left out and the result says so (``CUT_NOTICE``); when the whole time
runs out the search stops with ``SearchTooCostly``, a 503 with ``Retry-After``: the
machine is too busy now.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings

from search.types import SearchTooCostly

CUT_NOTICE = (
    "This search was too costly to finish: the results are those found within its "
    "budget, and there may be more. Fewer phrases, common words or wildcards make it cheaper."
)
TOO_COSTLY = (
    "This search took too long to finish right now; try again in a few seconds, "
    "or with fewer phrases, common words or wildcards."
)


@dataclass
class Budget:
    """``units`` of work and ``seconds`` of wall time for one search."""

    units: int
    seconds: float
    spent: int = 0
    cut: bool = False  # something was left out to stay within ``units``: say so
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def from_settings(cls) -> "Budget":
        return cls(units=settings.SEARCH_WORK_LIMIT, seconds=settings.SEARCH_TIME_LIMIT)

    @classmethod
    def unlimited(cls) -> "Budget":
        """For maintenance and tests that must see every match."""
        return cls(units=10**15, seconds=float("inf"))

    def start(self) -> None:
        """Start the clock again: what came before (opening the index, loading its
        per-segment data once) is not this search's doing."""
        self.started = time.monotonic()

    def affords(self, units: int) -> bool:
        """Whether optional work (a phrase check, an expansion's words) fits: within the
        units, and within the first half of the time, so that what must follow (counts,
        ranking, the page) still finishes in time on a busy machine."""
        # Elapsed time, not the time left: an unlimited budget (infinite seconds) affords.
        elapsed = time.monotonic() - self.started
        return self.spent + units <= self.units and elapsed < self.seconds / 2

    def charge(self, units: int) -> None:
        """Count work that had to be done (reading what the query names)."""
        self.spent += units
        self.check_time()

    def take(self, units: int) -> bool:
        """Spend ``units`` on optional work if they are left; else note the cut."""
        if not self.affords(units):
            self.cut = True
            return False
        self.charge(units)
        return True

    def remaining_seconds(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def check_time(self) -> None:
        if self.remaining_seconds() < 0:
            raise SearchTooCostly(TOO_COSTLY)

    def notices(self) -> tuple[str, ...]:
        return (CUT_NOTICE,) if self.cut else ()
