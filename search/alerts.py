"""Matching new articles against saved searches: a reverse search through the query service.

When articles reach the index (``search.outbox``), every saved search is run restricted
to their ids (``search.service.matches_among``, all of them asked at once), on whichever
backend is configured; saved searches with the same parameters run once. What a search
finds becomes an ``AlertMatch``: unique per saved search and article, so an article is
alerted once per saved search and matching the same ids again adds nothing. A copy of an
article the search already matched (the same copy group: ``duplicate_of_id or id``) is
folded into that match, to be told as "also in", not sent again. The new matches are then
owed to their channels (``archive.alerts.delivery.owe``).
"""

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import Q

from archive.alerts import delivery
from archive.alerts.models import AlertMatch, SavedSearch
from archive.models import Article, ArticleAuthor
from search.backends.base import Filters
from search.params import PAGE_PARAMS
from search.request import UrlState, page_search
from search.service import matches_among
from search.types import SearchError, SearchRequest

log = logging.getLogger(__name__)

# The page parameters a saved search keeps: what to find and in which order, not which
# page, how many per page or the chart's bins.
SAVED_PARAMS = ("q", "outlet", "tag", "author", "language", "year", "month", "from", "to", "sort")


def saved_params(query: Mapping) -> dict[str, list[str]]:
    """A search page's parameters as a saved search keeps them: {name: [values]}."""
    state = UrlState.from_query(query)
    return {name: state.getlist(name) for name in SAVED_PARAMS if state.getlist(name)}


def saved_params_problems(kept: Mapping) -> list[str]:
    """Why a search's kept parameters (``saved_params``) cannot be saved as they are: a
    NUL character (no database keeps one in text), or what its page would leave out or
    read otherwise (an unknown sort, tag kind, dates in the wrong order). The pages and
    the API save by this one rule."""
    problems = [
        f"{name}: a NUL character cannot be kept; remove it."
        for name, values in kept.items()
        if any("\x00" in value for value in values)
    ]
    return problems or list(page_search(kept).notices)


def saved_request(params: Mapping) -> SearchRequest:
    """The search a saved search stands for, read as the search page reads its URL."""
    return page_search(saved_params(params)).request


def saved_words(params: Mapping) -> str:
    """A saved search in words, for a person: “kim jong un” · outlet: yonhap · sort: newest."""
    kept = saved_params(params)
    parts = [f"“{kept['q'][0]}”"] if "q" in kept else []
    labels = {p.page: p.label for p in PAGE_PARAMS}
    parts += [
        f"{labels[name]}: {', '.join(values)}" for name, values in kept.items() if name != "q"
    ]
    return " · ".join(parts) or "every new article"


def alerts_match(*, article_ids: Iterable[int]) -> list[int]:
    """Match these indexed articles against every saved search; returns the new matches'
    ids (already owed to their channels)."""
    ids = set(Article.objects.filter(pk__in=set(article_ids)).values_list("pk", flat=True))
    if not ids:
        return []
    found: dict[int, set[int]] = {}
    groups = _by_params()
    requests = [saved_request(json.loads(params)) for params in groups]
    answers = matches_among(requests, ids, possible=_possible(ids))
    for search_ids, hits in zip(groups.values(), answers, strict=True):
        if isinstance(hits, SearchError):  # one saved search failing stops none of the others
            log.warning("Saved searches %s not matched: %s", search_ids, hits)
        elif hits:
            found.update(dict.fromkeys(search_ids, hits))
    new = _record(found)
    if new:
        delivery.owe(new)
    return new


def _possible(ids: set[int]) -> Callable[[Filters], bool]:
    """Whether a search's outlet, author and tag filters (as ids) leave any of these
    articles: a necessary condition, three queries for the batch, that spares the engine
    the saved searches that cannot match."""
    outlets = set(Article.objects.filter(pk__in=ids).values_list("outlet_id", flat=True))
    links = Article.tags.through.objects.filter(article_id__in=ids)
    tags = set(links.values_list("tag_id", flat=True))
    bylines = ArticleAuthor.objects.filter(article_id__in=ids)
    authors = set(bylines.values_list("author_id", flat=True))

    def possible(filters: Filters) -> bool:
        if filters.outlets is not None and not filters.outlets & outlets:
            return False
        if filters.authors is not None and not filters.authors & authors:
            return False
        return all(group & tags for group in filters.tags.values())

    return possible


def _by_params() -> dict[str, list[int]]:
    """Saved search ids grouped by their parameters (as canonical JSON): each runs once."""
    groups = defaultdict(list)
    for pk, params in SavedSearch.objects.values_list("pk", "params"):
        groups[json.dumps(saved_params(params or {}), sort_keys=True)].append(pk)
    return groups


def _record(found: dict[int, set[int]]) -> list[int]:
    """Store the matches {saved search: article ids}; returns the ids of those made now.

    In one transaction, a few statements whatever the number of matches. Another worker
    matching the same articles at the same time makes this one fail on the unique
    constraint: it then reads what that one stored and tries again."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _record_all(found)
        except IntegrityError:
            log.info("Matches stored meanwhile by another worker (try %d)", attempt + 1)
    with transaction.atomic():
        return _record_all(found)


def _record_all(found: dict[int, set[int]]) -> list[int]:
    article_ids = set().union(*found.values()) if found else set()
    copy_group = {
        pk: original or pk
        for pk, original in Article.objects.filter(pk__in=article_ids).values_list(
            "pk", "duplicate_of_id"
        )
    }
    done, first = _earlier(found, copy_group)
    primaries, copies = [], []
    for search_id, ids in found.items():
        for article_id in sorted(i for i in ids if i in copy_group):  # the oldest copy first
            if (search_id, article_id) in done:
                continue
            group = (search_id, copy_group[article_id])
            match = AlertMatch(saved_search_id=search_id, article_id=article_id)
            if group in first:
                copies.append((match, group))
            else:
                first[group] = match  # a copy made now folds into it once it has an id
                primaries.append(match)
    AlertMatch.objects.bulk_create(primaries, batch_size=500)
    for match, group in copies:
        match.folded_into_id = getattr(first[group], "pk", first[group])
    AlertMatch.objects.bulk_create([match for match, _ in copies], batch_size=500)
    return sorted(m.pk for m in primaries + [match for match, _ in copies])


def _earlier(found: dict[int, set[int]], copy_group: dict[int, int]):
    """What the saved searches already matched of these articles and their copy groups:
    {(search, article)}, and {(search, copy group): the id of the group's first match}."""
    groups = list(set(copy_group.values()))
    earlier = AlertMatch.objects.filter(saved_search_id__in=list(found)).filter(
        Q(article_id__in=list(copy_group))
        | Q(folded_into=None) & (Q(article_id__in=groups) | Q(article__duplicate_of_id__in=groups))
    )
    done, first = set(), {}
    for match_id, search_id, article_id, original, folded in earlier.values_list(
        "pk", "saved_search_id", "article_id", "article__duplicate_of_id", "folded_into"
    ):
        done.add((search_id, article_id))
        if folded is None:
            first.setdefault((search_id, original or article_id), match_id)
    return done, first
