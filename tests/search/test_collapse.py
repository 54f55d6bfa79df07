"""Copies and stories folded in results: list, totals, facets and histogram agree, on
every backend (``SearchRequest.collapse``)."""

import pytest

from archive.models import Article
from search.documents import article_version, articles_for_index
from search.types import InvalidParams, SearchRequest
from tests.search.conftest import wire_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire(search_backend):
    return wire_articles(search_backend)


def _search(**fields):
    from search.service import search

    return search(SearchRequest(**fields))


def _every_page(size=1, **fields):
    """The hits of every page, ``size`` a page."""
    first = _search(page_size=size, **fields)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += _search(page_size=size, page=page, **fields).hits
    return first, hits


@pytest.mark.parametrize(("collapse", "units"), [("copies", 3), ("none", 5), ("stories", 2)])
@pytest.mark.parametrize("q", ["", "summit", "Kim summit Dalian Geneva"])  # the last: a question
def test_list_totals_facets_and_histogram_count_the_same_thing(wire, collapse, units, q):
    # A question's scores on Whoosh are not the same from one request to the next (its
    # feedback step), so its hits are read from one page.
    result, hits = _every_page(size=20 if len(q.split()) > 2 else 1, q=q, collapse=collapse)
    assert result.total == units
    assert result.articles == 5
    assert len({h.id for h in hits}) == len(hits) == units
    # every matching article is listed or folded into a hit, once
    shown = [h.id for h in hits] + [c.pk for h in hits for c in h.copies]
    assert sorted(shown) == sorted(Article.objects.values_list("pk", flat=True))
    assert sum(h.folded for h in hits) + units == 5
    assert sum(f.count for f in result.facets["year"]) == units
    assert sum(b.count for b in result.histogram + result.histogram_outside) == units
    assert sum(f.count for f in result.facets["language"]) == units


@pytest.mark.parametrize("collapse", ["copies", "none", "stories"])
def test_a_facet_count_is_the_total_its_filter_gives(wire, collapse):
    result = _search(collapse=collapse)
    for facet, param in (("outlet", "outlets"), ("year", "years")):
        for value in result.facets[facet]:
            typed = int(value.value) if facet == "year" else value.value
            ticked = _search(collapse=collapse, **{param: (typed,)})
            assert ticked.total == value.count, (facet, value.value)


def test_a_group_is_shown_by_the_copy_that_ranks_first_under_the_sort(wire):
    original, (first_copy, last_copy) = wire["original"], wire["copies"]
    oldest = _search(q="dalian", sort="oldest", collapse="copies")
    newest = _search(q="dalian", sort="newest", collapse="copies")
    group = lambda result: next(h for h in result.hits if h.copy_group == original.pk)  # noqa: E731
    assert group(oldest).id == original.pk
    assert [c.pk for c in group(oldest).copies] == [first_copy.pk, last_copy.pk]
    assert group(newest).id == last_copy.pk
    assert [c.pk for c in group(newest).copies] == [original.pk, first_copy.pk]
    assert group(newest).folded == 2
    assert [c.outlet.name for c in group(oldest).copies] == ["JoongAng", "Herald"]


def test_stories_fold_every_article_of_the_story_and_leave_the_others_alone(wire):
    result = _search(sort="oldest", collapse="stories")
    assert [h.id for h in result.hits] == [wire["original"].pk, wire["alone"].pk]
    assert result.hits[0].story == wire["original"].story_id
    assert result.hits[0].folded == 3
    assert result.hits[1].folded == 0


def test_only_matching_copies_are_folded(wire):
    result = _search(outlets=("joongang",), collapse="copies")
    assert [h.id for h in result.hits] == [wire["copies"][0].pk]
    assert result.hits[0].folded == 0 and result.total == result.articles == 1


def test_outlet_counts_can_credit_original_reporting_only(wire):
    counts = lambda **f: {v.value: v.count for v in _search(**f).facets["outlet"]}  # noqa: E731
    every = {"yonhap": 1, "joongang": 1, "herald": 1, "bloomberg": 1, "reuters": 1}
    assert counts(collapse="copies") == every
    original = {"yonhap": 1, "bloomberg": 1, "reuters": 1}
    assert counts(collapse="copies", outlet_credit="original") == original
    articles = {"yonhap": 3, "bloomberg": 1, "reuters": 1}
    assert counts(collapse="none", outlet_credit="original") == articles


def test_a_new_copy_link_reaches_the_index_and_its_version(wire, search_backend):
    alone, original = wire["alone"], wire["original"]
    before = article_version(alone)
    alone.duplicate_of = original
    alone.save()
    assert article_version(Article.objects.get(pk=alone.pk)) != before
    search_backend.index(articles_for_index(Article.objects.filter(pk=alone.pk)))
    assert _search(collapse="copies").total == 2


def test_copy_links_set_in_bulk_reach_postgres_rows_by_trigger(wire, search_backend, settings):
    if settings.SEARCH_BACKEND != "postgres":
        pytest.skip("the triggers are PostgreSQL's")
    Article.objects.filter(pk=wire["alone"].pk).update(duplicate_of=wire["other"])
    Article.objects.filter(pk=wire["other"].pk).update(story=None)
    assert _search(collapse="copies").total == 2
    assert _search(collapse="stories").total == 2  # the Bloomberg group left the story


def test_an_unknown_collapse_is_refused_by_name():
    with pytest.raises(InvalidParams) as refused:
        _search(collapse="everything")
    assert "collapse" in refused.value.errors
    assert "copies, none, stories" in str(refused.value)
