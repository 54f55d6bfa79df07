"""Search parameters -> SearchRequest: one parser, lenient for pages and strict for the API."""

import datetime as dt
from dataclasses import fields

import pytest
from django.http import QueryDict

from search.params import FACET_PARAM, PAGE_PARAMS, PARAMS
from search.request import UrlState, api_search, page_search, validate_request
from search.types import FACETS, MAX_PAGE_SIZE, InvalidParams, InvalidQuery, SearchRequest


def page(query: str, **kwargs):
    return page_search(QueryDict(query), **kwargs)


def api(query: str):
    return api_search(QueryDict(query))


def api_errors(query: str) -> dict[str, list[str]]:
    with pytest.raises(InvalidParams) as refused:
        api(query)
    return refused.value.errors


# -- pages: lenient -----------------------------------------------------------------------


def test_empty_parameters_browse_newest_first():
    parsed = page("")
    assert parsed.request.q == ""
    assert parsed.request.sort == "newest"
    assert parsed.request.page == 1
    assert parsed.notices == ()


def test_a_query_sorts_by_relevance_unless_told_otherwise():
    assert page("q=kim+jong").request.sort == "relevance"
    assert page("q=kim&sort=oldest").request.sort == "oldest"
    assert page("q=kim&sort=oldest").explicit_sort
    assert not page("q=kim").explicit_sort


def test_repeated_filters_become_tuples():
    request = page(
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
    request = page("from=2018-05-01&to=2018-12-31&page=3&size=5").request
    assert request.date_from == dt.date(2018, 5, 1)
    assert request.date_to == dt.date(2018, 12, 31)
    assert (request.page, request.page_size) == (3, 5)


def test_bad_values_are_ignored_with_a_notice_for_the_reader():
    parsed = page("page=abc&size=0&from=yesterday&sort=random&year=18&month=2018-13")
    request = parsed.request
    assert (request.page, request.page_size) == (1, 20)
    assert request.date_from is None
    assert request.years == () and request.months == ()
    assert request.sort == "newest"
    assert len(parsed.notices) == 6
    assert "The start date was ignored: 'yesterday' is not a date; write it as YYYY-MM-DD." in (
        parsed.notices
    )


def test_a_page_size_over_the_limit_is_reduced_and_said():
    parsed = page("size=5000")
    assert parsed.request.page_size == MAX_PAGE_SIZE
    assert parsed.notices == ("The page size 5000 is more than 100: 100 results are shown.",)


def test_many_bad_values_of_one_parameter_make_few_notices():
    parsed = page("&".join(f"outlet=bad%20{n}" for n in range(10)) + "&outlet=good")
    assert parsed.request.outlets == ("good",)
    assert len(parsed.notices) == 4 and parsed.notices[-1] == "7 more outlet values were ignored."


def test_swapped_dates_are_put_in_order():
    parsed = page("from=2019-01-01&to=2018-01-01")
    assert parsed.request.date_from == dt.date(2018, 1, 1)
    assert parsed.notices


def test_a_page_preset_scopes_the_search():
    request = page("", fixed=("outlet", "bloomberg")).request
    assert request.scope == ("outlet", "bloomberg")
    assert request.sort == "newest"


def test_overlong_query_is_cut_and_said():
    parsed = page("q=" + "a" * 900)
    assert len(parsed.request.q) == 500
    assert parsed.notices == (
        "The query is longer than 500 characters: only the first 500 were searched.",
    )


def test_pages_do_not_take_the_api_only_parameters():
    parsed = page("facets=outlet&highlight=no&page_size=3&date_from=2018-01-01")
    assert parsed.request == SearchRequest(sort="newest", autocorrect=True)
    assert parsed.state == UrlState()


# -- the page's URL state ---------------------------------------------------------------------


def test_url_state_drops_unknown_and_blank_parameters_and_keeps_order():
    state = UrlState.from_query(QueryDict("zzz=1&page=2&outlet=b&q=kim&outlet=a&from=&outlet=b"))
    assert state.pairs == (("q", "kim"), ("outlet", "b"), ("outlet", "a"), ("page", "2"))


def test_the_page_search_carries_its_url_state():
    parsed = page("page=2&outlet=b&q=kim&sort=loudest")
    assert parsed.state.pairs == (("q", "kim"), ("outlet", "b"), ("sort", "loudest"), ("page", "2"))


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


# -- the API: strict ---------------------------------------------------------------------


def test_the_api_reads_its_own_names_and_comma_separated_facets():
    request = api(
        "q=oil&outlet=reuters&date_from=1987-03-01&date_to=1987-03-31&page_size=5"
        "&facets=outlet,year&facets=topic&highlight=false"
    ).request
    assert request.outlets == ("reuters",)
    assert (request.date_from, request.date_to) == (dt.date(1987, 3, 1), dt.date(1987, 3, 31))
    assert request.page_size == 5
    assert request.facets == ("outlet", "year", "topic")
    assert request.highlight is False


def test_api_facets_absent_mean_all_and_empty_mean_none():
    assert api("q=oil").request.facets == FACETS
    assert api("q=oil&facets=").request.facets == ()


def test_the_api_names_every_bad_parameter():
    errors = api_errors("sort=loudest&page=0&year=nineteen&month=2018-13&facets=colour")
    assert errors == {
        "year": ["'nineteen' is not a year; write it as YYYY."],
        "month": ["'2018-13' is not a month; write it as YYYY-MM."],
        "sort": ["unknown value 'loudest'; use one of relevance, newest, oldest."],
        "page": ["0 is out of range; use 1 to 10000."],
        "facets": [
            "unknown value 'colour'; use one of outlet, year, month, topic, person, place, "
            "organization, author, language."
        ],
    }


def test_the_api_refuses_dates_out_of_order():
    errors = api_errors("date_from=2019-01-01&date_to=2018-01-01")
    assert errors == {"date_to": ["2018-01-01 is before date_from 2019-01-01."]}


def test_the_api_refuses_a_tag_of_an_unknown_kind():
    assert api("tag=other:misc&tag=mike-pompeo").request.tags == ("other:misc", "mike-pompeo")
    assert "unknown tag kind 'colour'" in api_errors("tag=colour:red")["tag"][0]


def test_the_api_cuts_what_would_be_unbounded_and_says_so():
    parsed = api("q=" + "a" * 900 + "&page_size=5000")
    assert (len(parsed.request.q), parsed.request.page_size) == (500, 100)
    assert parsed.notices == (
        "q: longer than 500 characters: only the first 500 were searched.",
        "page_size: 5000 is more than 100: 100 results are shown.",
    )


# -- the same inputs, both modes ----------------------------------------------------------

SAME_INPUTS = [
    # (page query, API query, the request's field, the rule's words)
    ("month=2018-13", "month=2018-13", "months", "is not a month; write it as YYYY-MM."),
    ("from=2018-02-30", "date_from=2018-02-30", "date_from", "is not a date"),
    ("page=0", "page=0", "page", "0 is out of range; use 1 to 10000."),
    ("sort=loudest", "sort=loudest", "sort", "unknown value 'loudest'"),
    ("year=87", "year=87", "years", "'87' is not a year"),
    ("outlet=Al%20Jazeera", "outlet=Al%20Jazeera", "outlets", "is not a slug"),
    ("size=-4", "page_size=-4", "page_size", "-4 is too small; use at least 1."),
]


@pytest.mark.parametrize(("page_query", "api_query", "field", "words"), SAME_INPUTS)
def test_a_bad_value_is_a_notice_on_pages_and_an_error_in_the_api(
    page_query, api_query, field, words
):
    parsed = page(page_query)
    assert parsed.request == page("").request  # ignored
    assert len(parsed.notices) == 1 and words in parsed.notices[0]
    ((name, messages),) = api_errors(api_query).items()
    assert name == api_query.partition("=")[0] and words in messages[0]


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"months": ("2018-13",)}, "months: '2018-13' is not a month; write it as YYYY-MM."),
        ({"page": 0}, "page: 0 is out of range; use 1 to 10000."),
        ({"sort": "loudest"}, "sort: unknown value 'loudest'"),
        ({"page_size": -4}, "page_size: -4 is too small; use at least 1."),
    ],
)
def test_the_service_refuses_the_same_values_typed(values, words):
    with pytest.raises(InvalidQuery) as refused:
        validate_request(SearchRequest(**values))
    assert str(refused.value).startswith(words)


# -- the service's check ------------------------------------------------------------------


def test_the_service_reads_control_characters_as_spaces_and_caps_the_page_size():
    request = validate_request(SearchRequest(q="ki\x00m", outlets=("a\x1bb",), page_size=10**6))
    assert (request.q, request.outlets, request.page_size) == ("ki m", ("a b",), MAX_PAGE_SIZE)


def test_the_service_refuses_an_unknown_facet_or_tag_kind():
    with pytest.raises(InvalidParams, match="facets: unknown value 'colour'"):
        validate_request(SearchRequest(facets=("colour",)))
    with pytest.raises(InvalidParams, match="tags: unknown tag kind 'colour'"):
        validate_request(SearchRequest(tags=("colour:red",)))


# -- the table ------------------------------------------------------------------------------


def test_every_request_field_has_one_parameter():
    # A page's subject comes from its path, never from parameters; spelling is turned off
    # by alerts' reverse search only.
    internal = {"scope", "spelling"}
    named = sorted(f.name for f in fields(SearchRequest) if f.name not in internal)
    assert sorted(p.field for p in PARAMS) == named
    assert len({p.api for p in PARAMS}) == len(PARAMS)
    assert len({p.page for p in PAGE_PARAMS}) == len(PAGE_PARAMS)


def test_every_facet_is_filtered_by_a_page_parameter():
    assert set(FACET_PARAM) == set(FACETS)
    assert set(FACET_PARAM.values()) <= {p.page for p in PAGE_PARAMS}


def test_a_page_scope_is_anded_not_replaced_by_the_same_kind_of_filter():
    request = page("tag=person:reagan", fixed=("tag", "person:kim-jong-un")).request
    assert request.scope == ("tag", "person:kim-jong-un")
    assert request.tags == ("person:reagan",)


def test_another_outlet_on_an_outlet_page_is_ignored_and_said():
    parsed = page("outlet=al-jazeera", fixed=("outlet", "reuters"))
    assert parsed.request.scope == ("outlet", "reuters")
    assert parsed.request.outlets == ()
    assert "al-jazeera was ignored" in parsed.notices[0]


def test_the_service_refuses_a_scope_that_is_no_outlet_author_or_tag():
    with pytest.raises(InvalidParams, match="scope: unknown scope 'year'"):
        validate_request(SearchRequest(scope=("year", "2018")))
