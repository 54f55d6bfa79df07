"""Every query feature, through the query service, on the seeds."""

import pytest

from search import query as query_module
from search.types import InvalidQuery
from tests.search.conftest import ids_of

pytestmark = pytest.mark.django_db


def test_all_words_must_match_by_default(seeded, find):
    assert find("kim").total == 5
    assert ids_of(find("kim dalian")) < ids_of(find("kim", page_size=10))


def test_a_long_question_with_an_absent_word_still_returns_ranked_hits(seeded, find):
    result = find("what did xi jinping tell kim about sanctions and the zanzibar summit")
    assert result.total > 0
    assert result.parsed.startswith("AT LEAST")
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_phrase_matches_words_in_order(seeded, find):
    assert ids_of(find('"second surprise visit"')) == {seeded["scmp"].pk}
    assert find('"visit surprise second"').total == 0


def test_or_finds_either(seeded, find):
    assert ids_of(find("Dalian OR Osaka", page_size=10)) == ids_of(
        find("Dalian", page_size=10)
    ) | ids_of(find("Osaka", page_size=10))


def test_not_and_minus_exclude(seeded, find):
    with_dalian = ids_of(find("Dalian", page_size=10))
    assert with_dalian
    assert ids_of(find("kim -Dalian", page_size=10)).isdisjoint(with_dalian)
    assert ids_of(find("kim NOT Dalian", page_size=10)).isdisjoint(with_dalian)


def test_field_queries(seeded, find):
    assert ids_of(find("title:newsmaker")) == {seeded["herald"].pk}
    assert ids_of(find("outlet:bloomberg")) == {seeded["bloomberg"].pk}
    assert ids_of(find('outlet:"Al Jazeera"')) == {seeded["aljazeera"].pk}
    assert ids_of(find('author:"Ock Hyun-ju"')) == {seeded["herald"].pk}
    assert seeded["scmp"].pk in ids_of(find('tag:"Mike Pompeo"'))


def test_prefix_expands_to_words(seeded, find):
    result = find("denuc*")
    assert result.total == 5
    assert "denuc*" in result.parsed


def test_prefix_expansion_is_capped_with_a_message(seeded, find, monkeypatch):
    monkeypatch.setattr("search.backends.whoosh.translate.MAX_EXPANSION", 3)
    result = find("co*")
    assert result.total > 0
    assert "co* matches more than 3 words" in " ".join(result.notices)


def test_fuzzy_finds_a_misspelt_word(seeded, find):
    assert find("Pyongyng~").total == 5


def test_date_range_in_the_query(seeded, find):
    result = find("kim published:[2018-05-01 TO 2018-06-30]")
    assert ids_of(result) == {seeded["scmp"].pk, seeded["herald"].pk}
    assert "published:[2018-05-01 TO 2018-06-30]" in result.parsed


def test_a_year_in_the_query(seeded, find):
    assert find("published:2019").total == 2


def test_a_syntax_error_searches_the_words_literally_and_says_why(seeded, find):
    result = find('"kim jong')
    assert result.total > 0
    assert "quote at character 1 is never closed" in result.query_error


def test_an_unknown_field_is_reported(seeded, find):
    result = find("colour:red kim")
    assert "colour: at character 1 is not a field" in result.query_error


def test_a_bad_date_is_reported(seeded, find):
    result = find("kim published:2018-13-01")
    assert "is not a date" in result.query_error


def test_the_result_echoes_the_understood_query(seeded, find):
    result = find('summits "Kim Jong-un" -Trump')
    assert result.parsed == '(summit* AND "kim jong un" AND NOT name:trump)'


def test_two_words_that_never_meet_find_nothing(seeded, find):
    result = find("Dalian Osaka")
    assert result.total == 0
    assert not result.parsed.startswith("AT LEAST")


def test_a_too_long_query_is_cut_with_a_message(seeded, find):
    result = find("kim " * 200)
    assert "longer than" in " ".join(result.notices)


def test_too_many_terms_are_left_out_with_a_message(seeded, find):
    words = " ".join(f"w{i}" for i in range(query_module.MAX_CLAUSES + 5))
    result = find(words)
    assert "were left out" in " ".join(result.notices)


def test_a_query_of_only_common_words_still_searches_them(seeded, find):
    assert find("the").total == 5


def test_did_you_mean_offers_an_index_word_with_hits(seeded, find):
    result = find("Pyongyng")
    assert result.total == 0
    assert result.suggestion == "Pyongyang"  # in the case it was typed


def test_autocorrect_answers_the_correction_when_the_query_finds_nothing(seeded, find):
    result = find("Pyongyng", autocorrect=True)
    assert result.total > 0
    assert result.corrected_from == "Pyongyng"
    assert result.suggestion == "Pyongyang"
    assert find("Pyongyng").total == 0  # as typed unless asked


def test_brackets_alone_find_nothing_and_say_so(seeded, find):
    result = find("(")
    assert result.total == 0 and result.hits == []
    assert result.query_error.startswith("There is nothing to search for in “(”")
    assert "literally" not in result.query_error


def test_no_suggestion_when_nothing_close_has_hits(seeded, find):
    assert find("xqzvbw").suggestion is None


def test_unknown_sort_is_an_invalid_query(seeded, find):
    with pytest.raises(InvalidQuery, match="sort: unknown value 'popular'"):
        find("kim", sort="popular")


def test_page_zero_is_an_invalid_query(seeded, find):
    with pytest.raises(InvalidQuery, match="page: 0 is out of range"):
        find("kim", page=0)
