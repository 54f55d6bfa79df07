"""URL parameters ↔ SearchRequest: the browser's search state."""

import datetime as dt

from django.http import QueryDict

from archive.forms import Preset, UrlState, feed_request, search_request_from_params


def parse(query: str, **kwargs):
    return search_request_from_params(QueryDict(query), **kwargs)


def test_empty_parameters_browse_newest_first():
    parsed = parse("")
    assert parsed.request.q == ""
    assert parsed.request.sort == "newest"
    assert parsed.request.page == 1
    assert parsed.notices == []


def test_a_query_sorts_by_relevance_unless_told_otherwise():
    assert parse("q=kim+jong").request.sort == "relevance"
    assert parse("q=kim&sort=oldest").request.sort == "oldest"


def test_repeated_filters_become_tuples():
    request = parse(
        "q=xi&outlet=bloomberg&outlet=al-jazeera&tag=person:kim-jong-un&year=2018&year=2019"
        "&month=2018-05&author=jihye-lee&language=en"
    ).request
    assert request.outlets == ("bloomberg", "al-jazeera")
    assert request.tags == ("person:kim-jong-un",)
    assert request.years == (2018, 2019)
    assert request.months == ("2018-05",)
    assert request.authors == ("jihye-lee",)
    assert request.languages == ("en",)


def test_dates_page_and_size_are_read():
    request = parse("from=2018-05-01&to=2018-12-31&page=3&size=5").request
    assert request.date_from == dt.date(2018, 5, 1)
    assert request.date_to == dt.date(2018, 12, 31)
    assert (request.page, request.page_size) == (3, 5)


def test_bad_values_are_ignored_with_a_notice_for_the_reader():
    parsed = parse("page=abc&size=5000&from=yesterday&sort=random&year=18&month=2018-13")
    request = parsed.request
    assert (request.page, request.page_size) == (1, 20)
    assert request.date_from is None
    assert request.years == () and request.months == ()
    assert request.sort == "newest"
    assert len(parsed.notices) == 6
    assert any("YYYY-MM-DD" in n for n in parsed.notices)


def test_swapped_dates_are_put_in_order():
    parsed = parse("from=2019-01-01&to=2018-01-01")
    assert parsed.request.date_from == dt.date(2018, 1, 1)
    assert parsed.notices


def test_a_page_preset_adds_its_filter():
    preset = Preset("outlet", "bloomberg", "Bloomberg", "Outlet")
    request = parse("outlet=al-jazeera", preset=preset).request
    assert request.outlets == ("bloomberg", "al-jazeera")
    assert request.sort == "newest"


def test_overlong_query_is_cut():
    parsed = parse("q=" + "a" * 900)
    assert len(parsed.request.q) == 500
    assert parsed.notices


def test_feed_request_is_newest_first_without_facets():
    request = feed_request(parse("q=kim&sort=oldest&page=4"))
    assert (request.sort, request.page, request.facets, request.highlight) == (
        "newest",
        1,
        (),
        False,
    )


def test_url_state_drops_unknown_and_blank_parameters_and_keeps_order():
    state = UrlState.from_query(QueryDict("zzz=1&page=2&outlet=b&q=kim&outlet=a&from=&outlet=b"))
    assert state.pairs == (("q", "kim"), ("outlet", "b"), ("outlet", "a"), ("page", "2"))


def test_removing_one_filter_value_keeps_the_others_and_resets_the_page():
    state = UrlState.from_query(QueryDict("q=kim&outlet=a&outlet=b&page=3"))
    assert state.without("outlet", "a").url("/") == "/?q=kim&outlet=b"


def test_changing_the_page_keeps_the_filters():
    state = UrlState.from_query(QueryDict("q=kim&outlet=a"))
    assert state.with_value("page", "2").url("/") == "/?q=kim&outlet=a&page=2"
    assert state.with_values(from_="2018-01-01", to="2018-12-31").query() == (
        "q=kim&outlet=a&from=2018-01-01&to=2018-12-31"
    )


def test_url_of_empty_state_is_the_bare_path():
    assert UrlState().url("/outlets/x/") == "/outlets/x/"
