"""Stories kept at ingest (``stories_group``) and rebuilt (``regroup_stories``).

The unit is a copy group: an original and its copies (``duplicate_of``) always share a
story, and only originals are compared. An original joins the story of the write-up it
is most like within the window, when their score reaches ``THRESHOLD``; if that write-up
had no story yet, the two start one. An article alike to nothing keeps ``story`` empty:
a story has at least two write-ups, so its page always shows coverage, not one article.

Curated stories (split or merged in the admin) keep their articles: grouping never
moves one out, and adds a new write-up only when it clearly belongs (``CLEAR``).
"""

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q

from archive.models import Article, Story
from archive.signals import announce
from archive.stories.similarity import Profile, score
from archive.stories.window import Window

# Chosen on the labelled pairs of ``tests/benchmarks/bench_stories.py`` (see the README):
# the score from which a pair is reported as one event.
THRESHOLD = 0.35
# A curated story takes a new write-up only from this score (no false pair above it).
CLEAR = 0.45
_IN_CHUNK = 500  # ids per IN (…): well under SQLite's limit on parameters


@dataclass
class Plan:
    """Where each placed original goes; negative story keys are stories to create."""

    regroup: bool
    story: dict[int, int | None] = field(default_factory=dict)  # original -> story key
    before: dict[int, int | None] = field(default_factory=dict)  # original -> stored story
    curated: set[int] = field(default_factory=set)  # curated story ids
    claimed: set[int] = field(default_factory=set)  # stored story ids kept by a rebuild
    _keys: itertools.count = field(default_factory=lambda: itertools.count(-1, -1))

    def see(self, profile: Profile) -> None:
        """Adopt a profile read by the window: its story as planned so far."""
        self.before.setdefault(profile.id, profile.story_id)
        if profile.curated:
            self.curated.add(profile.story_id)
        if profile.id in self.story:
            profile.story_id = self.story[profile.id]
        elif self.regroup and not profile.curated:
            profile.story_id = None  # a rebuild starts every uncurated original afresh

    def put(self, profile: Profile, key: int | None) -> None:
        profile.story_id = key
        self.story[profile.id] = key

    def new_story(self, *profiles: Profile) -> int:
        """A key for a story of these originals: in a rebuild, the stored story one of
        them had (so its page keeps its address), else a story to create."""
        if self.regroup:
            for profile in profiles:
                old = self.before.get(profile.id)
                if old is not None and old not in self.curated and old not in self.claimed:
                    self.claimed.add(old)
                    return old
        return next(self._keys)


def _place(profile: Profile, window: Window, plan: Plan, placed: set[int]) -> None:
    if profile.curated or profile.id in placed:
        return  # a curator's choice, or joined already by an earlier original of this pass
    placed.add(profile.id)
    own = window.weights(profile)
    best, best_score = None, 0.0
    for other in window.candidates(profile):
        need = CLEAR if other.story_id in plan.curated else THRESHOLD
        value = score(profile, other, own, window.weights(other))
        if value >= need and value > best_score:
            best, best_score = other, value
    if best is None:
        plan.put(profile, None)
        return
    if best.story_id is None:
        placed.add(best.id)
        plan.put(best, plan.new_story(profile, best))
    plan.put(profile, best.story_id)


def _walk(originals: list[tuple[int, object]], plan: Plan) -> None:
    """Place each original (id, published), in date order, with the window following."""
    window, placed = Window(), set()
    for pk, day in sorted(originals, key=lambda row: (row[1], row[0])):
        window.move_to(day)
        for profile in window.loaded:
            plan.see(profile)
        window.loaded.clear()
        profile = window.profiles.get(pk)
        if profile is not None:
            _place(profile, window, plan, placed)


def stories_group(*, article_ids: Iterable[int]) -> list[int]:
    """Place new or changed articles in stories (the end of an import); returns the ids
    of the articles whose story changed, announced to the index."""
    ids = {int(pk) for pk in article_ids}
    originals, roots = [], set()
    for chunk in _chunks(sorted(ids)):
        rows = Article.objects.filter(pk__in=chunk).values_list(
            "id", "published", "duplicate_of_id"
        )
        for pk, day, original in rows:
            roots.add(original or pk)
            if original is None and day is not None:
                originals.append((pk, day))
    plan = Plan(regroup=False)
    _walk(originals, plan)
    return _write(plan, roots)


def regroup_stories() -> list[int]:
    """Recompute every uncurated story from the articles (a rebuild); curated stories keep
    their articles. Returns the ids of the articles whose story changed."""
    originals = Article.objects.filter(duplicate_of__isnull=True, published__isnull=False)
    rows = list(originals.exclude(story__curated=True).values_list("id", "published"))
    plan = Plan(regroup=True)
    _walk(rows, plan)
    uncurated = set(Story.objects.filter(curated=False).values_list("pk", flat=True))
    return _write(plan, set(), refresh=uncurated)


def _write(plan: Plan, roots: set[int], *, refresh: Iterable[int] = ()) -> list[int]:
    """Store the plan: new stories, each copy group in its story, the stories' figures."""
    with transaction.atomic():
        new_keys = sorted({key for key in plan.story.values() if key is not None and key < 0})
        made = Story.objects.bulk_create([Story() for _ in new_keys])
        created = {key: story.pk for key, story in zip(new_keys, made, strict=True)}
        moves = [
            Article(pk=pk, story_id=created.get(key, key))
            for pk, key in plan.story.items()
            if created.get(key, key) != plan.before.get(pk)
        ]
        Article.objects.bulk_update(moves, ["story"], batch_size=_IN_CHUNK)
        changed = [a.pk for a in moves]
        # Copies follow their originals (those that moved, and those that just arrived).
        changed += _sync_copies(roots | set(plan.story))
        left = {plan.before.get(a.pk) for a in moves}
        touched = {*(a.story_id for a in moves), *left, *refresh, *_stories_of(changed)}
        changed += story_refresh(story_ids=touched - {None})
    changed = sorted(set(changed))
    announce(changed)
    return changed


def _sync_copies(roots: Iterable[int]) -> list[int]:
    """Give each copy of these originals its original's story."""
    targets = defaultdict(list)
    for chunk in _chunks(sorted(roots)):
        copies = Article.objects.filter(duplicate_of_id__in=chunk).values_list(
            "pk", "story_id", "duplicate_of__story_id"
        )
        for pk, story_id, wanted in copies:
            if story_id != wanted:
                targets[wanted].append(pk)
    for story_id, ids in targets.items():
        for chunk in _chunks(ids):
            Article.objects.filter(pk__in=chunk).update(story_id=story_id)
    return [pk for ids in targets.values() for pk in ids]


def _stories_of(article_ids: list[int]) -> set[int]:
    found = set()
    for chunk in _chunks(article_ids):
        found |= set(Article.objects.filter(pk__in=chunk).values_list("story_id", flat=True))
    return found - {None}


def story_refresh(*, story_ids: Iterable[int]) -> list[int]:
    """Set the stories' title, dates and size from their articles. An uncurated story
    left with fewer than two write-ups is dissolved, an empty one deleted; returns the
    ids of the articles that lost their story."""
    ids = sorted(set(story_ids))
    freed: list[int] = []
    for chunk in _chunks(ids):
        freed += _refresh_chunk(chunk)
    return freed


def _refresh_chunk(ids: list[int]) -> list[int]:
    stats = {
        row["story_id"]: row
        for row in Article.objects.filter(story_id__in=ids)
        .values("story_id")
        .annotate(
            size=Count("id"),
            first=Min("published"),
            last=Max("published"),
            originals=Count("id", filter=Q(duplicate_of__isnull=True)),
        )
    }
    titles = {}
    first_reports = Article.objects.filter(story_id__in=ids).order_by(
        "story_id", F("published").asc(nulls_last=True), F("published_time").asc(), "id"
    )
    for story_id, title in first_reports.values_list("story_id", "title"):
        titles.setdefault(story_id, title)
    stories = list(Story.objects.filter(pk__in=ids))
    gone = [s.pk for s in stories if s.pk not in stats or _too_small(s, stats[s.pk])]
    freed = list(Article.objects.filter(story_id__in=gone).values_list("pk", flat=True))
    Article.objects.filter(pk__in=freed).update(story_id=None)
    Story.objects.filter(pk__in=gone).delete()
    kept = [s for s in stories if s.pk not in gone]
    for story in kept:
        row = stats[story.pk]
        story.title = titles[story.pk][:500]
        story.size, story.first_published, story.last_published = (
            row["size"],
            row["first"],
            row["last"],
        )
    Story.objects.bulk_update(kept, ["title", "size", "first_published", "last_published"])
    return freed


def _too_small(story: Story, row: dict) -> bool:
    return not story.curated and row["originals"] < 2


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]
