"""Compared searches on a hand-built archive, on every backend: series, shares, terms."""

import datetime as dt

import pytest

from search import compare
from search.documents import articles_for_index
from search.types import SearchRequest
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db

COFFEE = (
    "Coffee growers in Brazil asked the ICO for export quotas; the coffee quota talks "
    "in London ended as Brazil and Colombia could not agree on quotas."
)
OIL = "Oil prices rose as OPEC ministers met in Vienna to talk about crude output and oil."
OTHER = "The central bank kept its interest rate; the dollar was steady against the yen."


@pytest.fixture
def archive(search_backend):
    """March 1987: 4 articles (2 about coffee, 1 oil); April: 2 (1 coffee); May: 2 (1 oil);
    one undated coffee article."""
    coffee = make_tag("coffee", kind="topic")
    march, april, may = dt.date(1987, 3, 2), dt.date(1987, 4, 6), dt.date(1987, 5, 4)
    made = [
        make_article("Coffee talks", COFFEE, published=march),
        make_article("Coffee quotas", COFFEE + " Prices fell.", published=march),
        make_article("Oil up", OIL, published=march),
        make_article("Rates", OTHER, published=march),
        make_article("Coffee again", COFFEE + " A new round.", published=april),
        make_article("Dollar", OTHER + " Again.", published=april),
        make_article("Oil down", OIL + " Again.", published=may),
        make_article("Bank", OTHER + " And more.", published=may),
        make_article("Coffee undated", COFFEE + " Undated."),
    ]
    for article in made:
        if article.title.startswith("Coffee"):
            article.tags.add(coffee)
    search_backend.index(articles_for_index())
    return made


def searched(q="", **fields):
    return compare.ComparedSearch(SearchRequest(q=q, **fields), q or "all", "#0072B2")


def test_each_series_sums_to_its_total_less_the_undated(archive):
    found = compare.compare([searched("coffee"), searched("oil"), searched()], "month")
    assert [p.period for p in found.axis.periods] == ["1987-03", "1987-04", "1987-05"]
    coffee, oil, everything = found.panels
    assert (coffee.series.total, coffee.series.undated) == (4, 1)
    assert sum(coffee.series.counts) + coffee.series.undated == coffee.result.total
    assert coffee.series.counts == [2, 1, 0]
    assert oil.series.counts == [1, 0, 1] and sum(oil.series.counts) == oil.result.total
    assert everything.series.counts == [4, 2, 2]


def test_share_is_of_all_articles_in_the_same_bin(archive):
    found = compare.compare([searched("coffee")], "month")  # the axis spans the hits
    assert [p.archive for p in found.axis.periods] == [4, 2]
    assert found.panels[0].series.shares == [0.5, 0.5]


def test_one_search_series_switches_bins(archive):
    axis, series = compare.series(SearchRequest(q="coffee"), "week")
    assert axis.bin == "week" and "month" in axis.bins
    assert sum(series.counts) == 3 and series.total == 4
    assert axis.periods[0].period == "1987-W10"


def test_the_archive_counts_are_counted_again_after_a_change(archive):
    assert compare.compare([searched()], "month").axis.periods[0].archive == 4
    make_article("Late", OTHER + " Late.", published=dt.date(1987, 3, 30))
    from search.service import get_backend

    get_backend().index(articles_for_index())
    assert compare.compare([searched()], "month").axis.periods[0].archive == 5


def test_significant_terms_of_a_topic_lead_with_its_words_and_no_stop_words(archive):
    found = compare.terms(SearchRequest(tags=("topic:coffee",)))
    words = [t.word for t in found.terms]
    assert {"coffee", "quotas", "brazil", "ico"} <= set(words)
    assert not {"oil", "bank", "dollar"} & set(words)  # under-represented: left out
    assert not ({"quota", "quotas"} <= set(words))  # one form of a stem
    assert not {"the", "and", "for", "in", "on"} & set(words)
    assert (found.matched, found.read) == (4, 4) and not found.sampled
    first = found.terms[0]
    assert first.count <= 4 and first.archive_count >= first.count


def test_panels_carry_facets_and_highlighted_samples(archive):
    panel = compare.compare([searched("coffee")]).panels[0]
    assert {v.value for v in panel.result.facets["topic"]} == {"topic:coffee"}
    assert len(panel.result.hits) == compare.SAMPLES
    assert "<mark>" in panel.result.hits[0].highlights.body[0].lower() or "<mark>" in (
        panel.result.hits[0].highlights.title
    )


def test_term_counts_give_result_and_archive_document_frequencies(archive, search_backend):
    """The port itself: "the" is in the four coffee articles and the three about rates."""
    from search.service import backend_query

    query = backend_query(SearchRequest(tags=("topic:coffee",)))
    counts = search_backend.term_counts(query, sample=300, least=2)
    assert (counts.matched, counts.read, counts.documents) == (4, 4, 9)
    assert counts.words["the"] == (4, 7)
    assert counts.words["coffee"] == (4, 4)
    assert "vienna" not in counts.words  # in no coffee article
    sampled = search_backend.term_counts(query, sample=2)
    assert (sampled.matched, sampled.read) == (4, 2) and sampled.sampled


def test_terms_of_a_question_read_the_articles_its_search_finds(archive, search_backend):
    """A question no article answers with enough of its words finds those with the most
    of them; its significant terms are read from those same articles, on every backend."""
    from search.service import backend_query, search

    q = "why did coffee fail while zeppelins circled over geneva and tokyo harbour"
    found = search(SearchRequest(q=q, facets=()))
    assert found.total == 4 and found.parsed.startswith("AT LEAST")
    counts = search_backend.term_counts(backend_query(SearchRequest(q=q)), sample=300)
    assert (counts.matched, counts.read) == (4, 4)
    assert compare.terms(SearchRequest(q=q)).matched == 4


@pytest.mark.parametrize("q", ["((", '"', "AND"])
def test_a_query_with_nothing_to_search_has_no_terms_as_it_has_no_hits(archive, q):
    """Brackets, a quote or an operator alone find nothing; their terms are not the
    whole archive's."""
    panel = compare.compare([searched(q)]).panels[0]
    assert panel.result.total == 0
    assert (panel.terms.matched, panel.terms.read, panel.terms.terms) == (0, 0, [])
