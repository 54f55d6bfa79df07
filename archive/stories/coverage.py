"""What a story's page shows: its articles in time order, the first report, what each
later version adds, which outlet reported when, and the tags its write-ups share."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import F

from archive.ingest.normalize import words
from archive.models import Article, Story, Tag

# A paragraph is "in the first report" when this share of its words are in one of the
# first report's paragraphs: a trimmed or lightly edited paragraph adds nothing new.
SAME_PARAGRAPH = 0.7
ADDED_SHOWN = 3  # added paragraphs shown for each article; the rest are counted


@dataclass(frozen=True)
class Version:
    article: Article
    first: bool
    added: list[str]  # paragraphs not in the first report
    offset: float  # 0..1: where its day sits between the story's first and last day

    @property
    def added_shown(self) -> list[str]:
        return self.added[:ADDED_SHOWN]

    @property
    def more_added(self) -> int:
        return max(0, len(self.added) - ADDED_SHOWN)


@dataclass(frozen=True)
class Lane:
    """One outlet's reports on the timeline."""

    outlet: str
    marks: list[Version]


@dataclass(frozen=True)
class Coverage:
    story: Story
    versions: list[Version]
    lanes: list[Lane]
    shared_tags: list[Tag]
    days: int  # from the first report to the last, inclusive


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body or "") if p.strip()]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(words(text))


def added_paragraphs(body: str, first_body: str) -> list[str]:
    """The paragraphs of ``body`` that the first report has not (by their words)."""
    known = [_word_set(p) for p in paragraphs(first_body)]
    added = []
    for paragraph in paragraphs(body):
        own = _word_set(paragraph)
        if own and not any(len(own & other) >= SAME_PARAGRAPH * len(own) for other in known):
            added.append(paragraph)
    return added


def story_coverage(story: Story) -> Coverage:
    """The page of ``story``, read in three queries (articles, their tags, shared tags)."""
    articles = list(
        story.articles.select_related("outlet", "duplicate_of")
        .prefetch_related("tags")
        .order_by(F("published").asc(nulls_last=True), F("published_time").asc(), "id")
    )
    first = articles[0] if articles else None
    start, end = _span(articles)
    versions = []
    for article in articles:
        added = [] if article is first else added_paragraphs(article.body, first.body)
        versions.append(
            Version(
                article=article,
                first=article is first,
                added=added,
                offset=_offset(article.published, start, end),
            )
        )
    return Coverage(
        story=story,
        versions=versions,
        lanes=_lanes(versions),
        shared_tags=_shared_tags(articles),
        days=(end - start).days + 1 if start and end else 0,
    )


def _span(articles: list[Article]) -> tuple[date | None, date | None]:
    days = [a.published for a in articles if a.published]
    return (min(days), max(days)) if days else (None, None)


def _offset(day: date | None, start: date | None, end: date | None) -> float:
    if not day or not start or end == start:
        return 0.0
    return (day - start).days / (end - start).days


def _lanes(versions: list[Version]) -> list[Lane]:
    """One lane per outlet, in the order outlets first reported."""
    lanes: dict[str, list[Version]] = {}
    for version in versions:
        outlet = version.article.outlet
        lanes.setdefault(outlet.name if outlet else "Unknown outlet", []).append(version)
    return [Lane(outlet, marks) for outlet, marks in lanes.items()]


def _shared_tags(articles: list[Article]) -> list[Tag]:
    """Tags on at least two of the story's write-ups (copies count with their original)."""
    counts: Counter = Counter()
    tags = {}
    for article in articles:
        if article.duplicate_of_id:
            continue
        for tag in article.tags.all():
            counts[tag.pk] += 1
            tags[tag.pk] = tag
    shared = [tags[pk] for pk, n in counts.items() if n >= 2]
    return sorted(shared, key=lambda t: (t.kind, t.name.casefold()))
