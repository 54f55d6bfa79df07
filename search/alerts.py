"""Matching new articles against saved searches: a reverse search through the query service.

When articles reach the index (``search.outbox``), each saved search is run restricted to
their ids (``search.service.matching_ids``), on whichever backend is configured; saved
searches with the same parameters run once. What a search finds becomes an ``AlertMatch``:
unique per saved search and article, so an article is alerted once per saved search and
matching the same ids again adds nothing. A copy of an article the search already matched
(the same copy group: ``duplicate_of_id or id``) is folded into that match, to be told as
"also in", not sent again. The new matches are then owed to their channels
(``archive.alerts.delivery.owe``).
"""

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import Q

from archive.alerts import delivery
from archive.alerts.models import AlertMatch, SavedSearch
from archive.models import Article
from search.request import UrlState, page_search
from search.service import matching_ids
from search.types import SearchError, SearchRequest

log = logging.getLogger(__name__)

# The page parameters a saved search keeps: what to find and in which order, not which
# page, how many per page or the chart's bins.
SAVED_PARAMS = ("q", "outlet", "tag", "author", "language", "year", "month", "from", "to", "sort")


def saved_params(query: Mapping) -> dict[str, list[str]]:
    """A search page's parameters as a saved search keeps them: {name: [values]}."""
    state = UrlState.from_query(query)
    return {name: state.getlist(name) for name in SAVED_PARAMS if state.getlist(name)}


def saved_request(params: Mapping) -> SearchRequest:
    """The search a saved search stands for, read as the search page reads its URL."""
    return page_search(saved_params(params)).request


def alerts_match(*, article_ids: Iterable[int]) -> list[int]:
    """Match these indexed articles against every saved search; returns the new matches'
    ids (already owed to their channels)."""
    ids = set(Article.objects.filter(pk__in=set(article_ids)).values_list("pk", flat=True))
    if not ids:
        return []
    found: dict[int, set[int]] = {}
    for params, search_ids in _by_params().items():
        try:
            hits = matching_ids(saved_request(json.loads(params)), ids)
        except SearchError as exc:  # one saved search failing stops none of the others
            log.warning("Saved searches %s not matched: %s", search_ids, exc)
            continue
        if hits:
            found.update(dict.fromkeys(search_ids, hits))
    new = _record(found)
    if new:
        delivery.owe(new)
    return new


def _by_params() -> dict[str, list[int]]:
    """Saved search ids grouped by their parameters (as canonical JSON): each runs once."""
    groups = defaultdict(list)
    for pk, params in SavedSearch.objects.values_list("pk", "params"):
        groups[json.dumps(saved_params(params or {}), sort_keys=True)].append(pk)
    return groups


def _record(found: dict[int, set[int]]) -> list[int]:
    """Store the matches {saved search: article ids}; those made now, by id."""
    article_ids = set().union(*found.values()) if found else set()
    copy_group = {
        pk: original or pk
        for pk, original in Article.objects.filter(pk__in=article_ids).values_list(
            "pk", "duplicate_of_id"
        )
    }
    new = []
    for search_id, ids in found.items():
        try:
            with transaction.atomic():
                new += _record_one(search_id, sorted(i for i in ids if i in copy_group), copy_group)
        except IntegrityError:  # another worker matched the same ids: its rows stand
            log.info("Saved search %s: these articles were matched meanwhile", search_id)
    return sorted(new)


def _record_one(search_id: int, ids: list[int], copy_group: dict[int, int]) -> list[int]:
    groups = {copy_group[i] for i in ids}
    earlier = AlertMatch.objects.filter(saved_search_id=search_id).filter(
        Q(article_id__in=ids)
        | Q(folded_into=None) & (Q(article_id__in=groups) | Q(article__duplicate_of_id__in=groups))
    )
    done, first = set(), {}
    for match_id, article_id, original, folded in earlier.values_list(
        "pk", "article_id", "article__duplicate_of_id", "folded_into"
    ):
        done.add(article_id)
        if folded is None:
            first.setdefault(original or article_id, match_id)
    made = []
    for article_id in ids:  # oldest first: the first copy of a story is the one told
        if article_id in done:
            continue
        group = copy_group[article_id]
        match = AlertMatch.objects.create(
            saved_search_id=search_id, article_id=article_id, folded_into_id=first.get(group)
        )
        first.setdefault(group, match.pk)
        made.append(match.pk)
    return made
