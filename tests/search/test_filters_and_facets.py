"""Filters, facets, histogram, sorting, pagination and highlights, through the service."""

import datetime as dt

import pytest

from search.types import MAX_PAGE_SIZE
from tests.factories import make_article
from tests.search.conftest import ids_of, reindex

pytestmark = pytest.mark.django_db


def counts(result, facet):
    return {v.value: v.count for v in result.facets[facet]}


def test_several_outlets_combine_with_or(seeded, find):
    result = find(outlets=("bloomberg", "al-jazeera"))
    assert ids_of(result) == {seeded["bloomberg"].pk, seeded["aljazeera"].pk}


def test_different_filters_combine_with_and(seeded, find):
    result = find(outlets=("bloomberg", "al-jazeera"), years=(2019,), tags=("place:pyongyang",))
    assert ids_of(result) == {seeded["bloomberg"].pk}


def test_a_facet_counts_ignore_its_own_filter(seeded, find):
    result = find(outlets=("bloomberg",))
    assert result.total == 1
    outlets = counts(result, "outlet")
    assert outlets["bloomberg"] == 1 and outlets["al-jazeera"] == 1
    assert next(v for v in result.facets["outlet"] if v.value == "bloomberg").selected
    assert counts(result, "year") == {"2019": 1}


def test_facets_count_the_whole_result_not_the_page(seeded, find):
    result = find("kim", page_size=1)
    assert len(result.hits) == 1
    assert counts(result, "year") == {"2019": 2, "2018": 3}
    assert counts(result, "person")["person:kim-jong-un"] == 5


def test_tag_filters_by_kind_and_bare_slug(seeded, find):
    assert find(tags=("person:mike-pompeo",)).total == 2
    assert find(tags=("mike-pompeo",)).total == 2
    assert find(tags=("topic:mike-pompeo",)).total == 0


def test_authors_languages_and_dates_filter(seeded, find):
    assert ids_of(find(authors=("ock-hyun-ju",))) == {seeded["herald"].pk}
    assert find(languages=("en",)).total == 5
    result = find(date_from=dt.date(2018, 5, 1), date_to=dt.date(2018, 7, 31))
    assert ids_of(result) == {seeded["scmp"].pk, seeded["herald"].pk, seeded["joongang"].pk}


def test_unknown_filter_values_give_no_results_not_errors(seeded, find):
    assert find(outlets=("no-such-outlet",)).total == 0
    assert find(tags=("person:nobody",)).total == 0
    assert find(authors=("nobody",), languages=("xx",)).total == 0


def test_month_facet_lists_months_within_the_selected_year(seeded, find):
    result = find(years=(2018,))
    assert counts(result, "month") == {"2018-05": 2, "2018-07": 1}
    assert find(years=(2018,), months=("2018-07",)).total == 1
    assert find().facets["month"] == []


def test_histogram_buckets_by_month_for_a_short_span(seeded, find):
    histogram = find().histogram
    assert histogram[0].period == "2018-05" and histogram[-1].period == "2019-06"
    assert sum(b.count for b in histogram) == 5
    assert histogram[0].date_from == dt.date(2018, 5, 1)


def test_histogram_buckets_by_year_for_a_long_span(db, find):
    old = make_article(published=dt.date(1987, 3, 1))
    new = make_article(published=dt.date(2019, 6, 21))
    reindex(old, new)
    histogram = find().histogram
    assert [b.period for b in histogram][:2] == ["1987", "1988"]
    assert len(histogram) == 2019 - 1987 + 1


def test_sort_newest_and_oldest(seeded, find):
    newest = [h.id for h in find("kim", sort="newest").hits]
    oldest = [h.id for h in find("kim", sort="oldest").hits]
    assert newest[0] == seeded["bloomberg"].pk
    assert oldest[-1] == seeded["bloomberg"].pk
    assert newest[-1] in (seeded["scmp"].pk, seeded["herald"].pk)


def test_relevance_ranks_by_score(seeded, find):
    scores = [h.score for h in find("denuclearization").hits]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)


def test_empty_query_lists_newest_first_with_facets(seeded, find):
    result = find()
    assert result.hits[0].id == seeded["bloomberg"].pk
    assert result.total == 5
    assert counts(result, "outlet")["bloomberg"] == 1
    assert result.hits[0].article.title == seeded["bloomberg"].title


def test_pagination_reports_total_and_pages(seeded, find):
    first, second = find(page_size=2), find(page_size=2, page=2)
    assert first.total == 5 and first.pages == 3
    assert ids_of(first).isdisjoint(ids_of(second))


def test_a_page_past_the_end_is_empty(seeded, find):
    result = find(page=9)
    assert result.hits == [] and result.total == 5


def test_page_size_is_capped(seeded, find):
    assert find(page_size=10_000).page_size == MAX_PAGE_SIZE


def test_highlights_mark_matches_in_title_and_body(seeded, find):
    hit = next(h for h in find("Dalian").hits if h.id == seeded["scmp"].pk)
    assert "<mark>" in "".join(hit.highlights.body)
    assert 1 <= len(hit.highlights.body) <= 3
    hit = find("newsmaker").hits[0]
    assert hit.highlights.title.startswith("[<mark>Newsmaker</mark>]")


def test_highlights_escape_html_in_the_text(db, find):
    article = make_article(
        "A <b>bold</b> summit", body="Before <script>alert(1)</script> the summit began."
    )
    reindex(article)
    hit = find("summit").hits[0]
    body = "".join(hit.highlights.body)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "<mark>summit</mark>" in body
    assert hit.highlights.title == "A &lt;b&gt;bold&lt;/b&gt; <mark>summit</mark>"


def test_only_the_page_is_highlighted(seeded, find, django_assert_max_num_queries):
    result = find("kim", page_size=2)
    assert all(h.highlights.body for h in result.hits)
    assert len(result.hits) == 2


def test_hits_carry_their_articles(seeded, find):
    hit = find("newsmaker").hits[0]
    assert hit.article.pk == seeded["herald"].pk
    assert hit.article.outlet.name == "The Korea Herald"


def test_a_long_facet_shows_the_twenty_biggest_and_cuts_ties_by_name(search_backend, find):
    from tests.factories import make_tag

    names = [f"Topic {chr(ord('a') + i)}{chr(ord('a') + i)}" for i in range(25)]
    # Created in reverse order, so that the order of ids says nothing about the names.
    tags = {name: make_tag(name) for name in reversed(names)}
    articles = []
    for number, name in enumerate(names):
        article = make_article(f"Harvest report {number}", published=dt.date(2020, 1, 1))
        article.tags.add(tags[name], *([tags["Topic yy"]] if number % 2 else []))
        articles.append(article)
    reindex(*articles)
    shown = find("harvest", facets=("topic",)).facets["topic"]
    assert [(v.label, v.count) for v in shown[:1]] == [("Topic yy", 13)]
    assert [v.label for v in shown[1:]] == names[:19]
