"""The days around the articles being grouped: their originals' profiles, read from the
database a day range at a time (``published`` is indexed), forgotten once behind.

Grouping walks its articles in date order and the window slides with it, so an import
reads the days it touches once, and a rebuild reads the archive once.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

from archive.models import Article, Tag
from archive.stories.similarity import WINDOW_DAYS, Frequencies, Profile, weights

ENTITY_KINDS = (Tag.Kind.PERSON, Tag.Kind.PLACE, Tag.Kind.ORGANIZATION)
# Terms of an article that look its candidates up (its heaviest), and how many of them
# a candidate must share.
LOOKUP_TERMS = 12
MIN_SHARED = 2
# Candidates scored for each article: those sharing the most of its heaviest terms.
MAX_CANDIDATES = 10


def load_profiles(start: date, end: date) -> list[Profile]:
    """Profiles of the original articles published from ``start`` to ``end``."""
    originals = Article.objects.filter(duplicate_of__isnull=True, published__range=(start, end))
    links = Article.tags.through.objects.filter(
        article__duplicate_of__isnull=True,
        article__published__range=(start, end),
        tag__kind__in=ENTITY_KINDS,
    ).values_list("article_id", "tag_id")
    tags = defaultdict(list)
    for article_id, tag_id in links:
        tags[article_id].append(tag_id)
    rows = originals.values_list("id", "published", "title", "body", "story_id", "story__curated")
    return [
        Profile.of(
            id=pk,
            published=day,
            title=title,
            body=body,
            tag_ids=tags[pk],
            story_id=story_id,
            curated=bool(curated),
        )
        for pk, day, title, body, story_id, curated in rows.iterator(chunk_size=1000)
    ]


class Window:
    """Profiles of the originals published within ``WINDOW_DAYS`` of the current day."""

    def __init__(self) -> None:
        self.profiles: dict[int, Profile] = {}
        self.freq = Frequencies()
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.start: date | None = None
        self.end: date | None = None
        self.loaded: list[Profile] = []  # read since the caller last looked (and cleared)
        self._days: dict[date, list[Profile]] = defaultdict(list)
        self._weights: dict[int, tuple[dict, float]] = {}

    def weights(self, profile: Profile) -> tuple[dict[str, float], float]:
        """The profile's TF-IDF weights and norm under the window's frequencies when
        first asked (kept while it stays in the window: recomputing them at each day's
        step cost more than the rest of the grouping and moved scores by little)."""
        found = self._weights.get(profile.id)
        if found is None:
            found = self._weights[profile.id] = weights(profile, self.freq)
        return found

    def move_to(self, day: date) -> None:
        """Hold the days from ``day - WINDOW_DAYS`` to ``day + WINDOW_DAYS``."""
        start, end = day - timedelta(days=WINDOW_DAYS), day + timedelta(days=WINDOW_DAYS)
        if (start, end) == (self.start, self.end):
            return
        if self.end is None or start > self.end or end < self.start:
            self._forget(list(self._days))
            self._load(start, end)
        else:
            self._forget([d for d in self._days if d < start or d > end])
            if start < self.start:
                self._load(start, self.start - timedelta(days=1))
            if end > self.end:
                self._load(self.end + timedelta(days=1), end)
        self.start, self.end = start, end

    def _load(self, start: date, end: date) -> None:
        for profile in load_profiles(start, end):
            self._days[profile.published].append(profile)
            self.profiles[profile.id] = profile
            self.loaded.append(profile)
            self.freq.add(profile)
            for term in profile.tf:
                self.postings[term].add(profile.id)

    def _forget(self, days: list[date]) -> None:
        for profile in [p for day in days for p in self._days.pop(day)]:
            del self.profiles[profile.id]
            self._weights.pop(profile.id, None)
            self.freq.remove(profile)
            for term in profile.tf:
                self.postings[term].discard(profile.id)

    def candidates(self, profile: Profile) -> list[Profile]:
        """The window's originals sharing the most (at least ``MIN_SHARED``, one when it
        has fewer) of the profile's heaviest terms: ``MAX_CANDIDATES`` of them."""
        w, _ = self.weights(profile)
        heaviest = sorted(w, key=w.get, reverse=True)[:LOOKUP_TERMS]
        shared = Counter(pk for term in heaviest for pk in self.postings.get(term, ()))
        need = min(MIN_SHARED, len(heaviest))
        shared.pop(profile.id, None)
        return [self.profiles[pk] for pk, n in shared.most_common(MAX_CANDIDATES) if n >= need]
