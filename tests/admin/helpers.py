"""Helpers of the admin tests: post an action, ask the index."""

from search.outbox import outbox_drain
from search.service import search
from search.types import SearchRequest


def post_action(client, url, action, objects, **fields):
    """Post a change-list action for ``objects``, as the action bar does."""
    data = {"action": action, "index": "0", "_selected_action": [o.pk for o in objects]}
    return client.post(url, {**data, **fields})


def indexed_ids(**request) -> set[int]:
    """Ids the search index answers for a request, once the outbox is applied."""
    outbox_drain()
    return {hit.id for hit in search(SearchRequest(page_size=100, **request)).hits}
