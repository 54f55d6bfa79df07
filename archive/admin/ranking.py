"""The admin's article search: ids from the search service, best match first."""

from search.service import search
from search.types import MAX_PAGE_SIZE, InvalidQuery, SearchRequest, SearchUnavailable

# Ranking past the first few pages helps nobody; the change list says how many matched.
LIMIT = 500
SEARCH_ERRORS = (InvalidQuery, SearchUnavailable)


def ranked_ids(q: str, *, limit: int = LIMIT) -> tuple[list[int], int]:
    """The ids of the best ``limit`` matches of ``q``, best first, and how many match."""
    ids: list[int] = []
    page = 1
    while True:
        # Curators see every article: copies are not folded here.
        request = SearchRequest(
            q=q, page=page, page_size=MAX_PAGE_SIZE, facets=(), highlight=False, collapse="none"
        )
        result = search(request)
        ids += [hit.id for hit in result.hits]
        if len(ids) >= limit or page >= result.pages or not result.hits:
            return ids[:limit], result.total
        page += 1
