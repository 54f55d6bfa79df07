"""Best match: a question typed in plain words finds the articles that answer it,
on every backend (issue 15)."""

import pytest

from tests.factories import make_article
from tests.search.conftest import raw_explain, raw_search

pytestmark = pytest.mark.django_db


def ask(backend, q, **fields):
    return raw_search(backend, q=q, facets=(), **fields)


def ids(result) -> list[int]:
    return [hit.id for hit in result.hits]


@pytest.fixture
def newsroom(search_backend):
    """A few articles about oil, summits and sanctions, and filler that shares none."""
    articles = {
        "oil": make_article("Oil prices rise", body="Crude oil prices rose as OPEC cut output."),
        "opec": make_article("Cartel meeting", body="OPEC ministers met in Vienna on output."),
        "summit": make_article(
            "Summit talks", body="Xi Jinping and Kim Jong-un discussed denuclearization talks."
        ),
        "sanctions": make_article(
            "Sanctions", body="The sanctions on North Korea stay until denuclearization."
        ),
        "gates": make_article("Profile", body="Gates spoke at the forum about vaccines."),
        "gate": make_article("Border", body="The gate was closed to traffic at dawn."),
    }
    filler = [
        make_article(f"Weather {n}", body=f"Rain and wind along the coast, day {n}.")
        for n in range(6)
    ]
    search_backend.index([*articles.values(), *filler])
    return articles


def test_a_question_finds_articles_that_share_only_some_of_its_words(search_backend, newsroom):
    result = ask(search_backend, "why did the cartel cut crude output in vienna last winter")
    assert set(ids(result)) == {newsroom["oil"].pk, newsroom["opec"].pk}
    assert result.parsed.startswith("AT LEAST 2 OF")


def test_more_of_the_question_s_words_rank_first(search_backend, newsroom):
    result = ask(search_backend, "OPEC output cut crude oil prices")
    assert ids(result)[:2] == [newsroom["oil"].pk, newsroom["opec"].pk]
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_a_rare_word_outweighs_a_common_one(search_backend, newsroom):
    common = [make_article(f"Talks {n}", body=f"The talks went on, round {n}.") for n in range(5)]
    rare = make_article("Unusual", body="A zeppelin flew over the coast.")
    plain = make_article("Usual", body="The talks ended on the coast.")
    search_backend.index([*common, rare, plain])
    result = ask(search_backend, "zeppelin talks coast")
    assert ids(result)[0] == rare.pk


def test_when_no_article_has_enough_words_the_best_single_matches_are_shown(
    search_backend, newsroom
):
    result = ask(search_backend, "zebra vaccines giraffe pelican")
    assert ids(result) == [newsroom["gates"].pk]
    assert any("No article has all 4 words" in note for note in result.notices)


def test_the_result_says_when_no_article_has_every_word(search_backend, newsroom):
    result = ask(search_backend, "OPEC ministers Vienna zebra")
    assert ids(result) == [newsroom["opec"].pk]
    assert any("No article has all 4 words" in note for note in result.notices)
    full = ask(search_backend, "OPEC ministers Vienna")
    assert not any("No article has all" in note for note in full.notices)


def test_one_or_two_plain_words_still_need_all_of_them(search_backend, newsroom):
    assert ids(ask(search_backend, "OPEC Vienna")) == [newsroom["opec"].pk]
    assert ask(search_backend, "OPEC zebra").total == 0


def test_a_plus_word_is_required_inside_a_question(search_backend, newsroom):
    result = ask(search_backend, "crude oil output +vienna")
    assert ids(result) == [newsroom["opec"].pk]


def test_quotes_and_minus_keep_their_strict_meaning_in_a_question(search_backend, newsroom):
    quoted = ask(search_backend, 'crude output prices "ministers met"')
    assert ids(quoted) == [newsroom["opec"].pk]
    excluded = ask(search_backend, "crude output prices OPEC -Vienna")
    assert ids(excluded) == [newsroom["oil"].pk]


def test_capitalisation_of_a_common_word_does_not_change_the_hits(search_backend, newsroom):
    found = [set(ids(ask(search_backend, q))) for q in ("Oil prices", "oil prices", "Oil Prices")]
    assert found[0] == found[1] == found[2] == {newsroom["oil"].pk}


def test_a_capitalised_name_stays_exact(search_backend, newsroom):
    assert ids(ask(search_backend, "Gates")) == [newsroom["gates"].pk]
    assert set(ids(ask(search_backend, "gates"))) == {newsroom["gates"].pk, newsroom["gate"].pk}


def test_question_words_do_not_narrow_a_question(search_backend, newsroom):
    short = set(ids(ask(search_backend, "Xi Jinping denuclearization")))
    long = set(ids(ask(search_backend, "what did Xi Jinping say about denuclearization")))
    assert newsroom["summit"].pk in short
    assert short <= long


def test_a_long_pasted_question_keeps_its_rarest_words(search_backend, newsroom):
    common = [f"word{n}" for n in range(36)]
    everyday = [
        make_article(f"Everyday {n}", body=" ".join(common) + f" story {n}") for n in range(3)
    ]
    rare = make_article("Pipeline", body="The quokka pipeline opened.")
    search_backend.index([*everyday, rare])
    result = ask(search_backend, " ".join([*common, "quokka", "pipeline"]))
    assert rare.pk in ids(result)
    assert "quokka" in result.parsed and "word35" not in result.parsed
    assert any("most common were left out" in note for note in result.notices)


def test_explain_says_which_terms_matched_where_and_adds_up(search_backend, newsroom):
    result = ask(search_backend, "crude oil prices zebra", explain=True)
    top = result.hits[0]
    assert top.id == newsroom["oil"].pk
    explanation = top.explanation
    assert explanation.score == pytest.approx(top.score, rel=1e-3)
    assert sum(m.share for m in explanation.matches) == pytest.approx(1.0)
    assert sum(m.score for m in explanation.matches) == pytest.approx(top.score, rel=1e-3)
    by_term = {m.term.rstrip("*"): m for m in explanation.matches if not m.added}
    price = next(m for term, m in by_term.items() if term.startswith("price"))
    assert set(price.fields) == {"title", "body"}
    assert any(form.startswith("price") for form in price.forms)
    assert any("zebra" in missing for missing in explanation.missing)


def test_explain_for_one_article_matches_the_search_score(search_backend, newsroom):
    hit = ask(search_backend, "crude oil prices", explain=True).hits[0]
    alone = raw_explain(search_backend, "crude oil prices", hit.id)
    assert alone.matched
    assert alone.score == pytest.approx(hit.score, rel=1e-3)
    outside = raw_explain(search_backend, "crude oil prices", newsroom["gate"].pk)
    assert not outside.matched


def test_words_side_by_side_rank_before_the_same_words_apart(search_backend, newsroom):
    filler = "The meeting went on for hours while delegates argued about many things."
    apart = make_article(
        "Report Alpha", body=f"Nuclear plans were shown. {filler} A test followed."
    )
    close = make_article("Report Omega", body=f"A nuclear test was shown. {filler} Plans followed.")
    search_backend.index([apart, close])
    result = ask(search_backend, "nuclear test", explain=True)
    assert ids(result) == [close.pk, apart.pk]
    top = result.hits[0].explanation
    assert sum(m.score for m in top.matches) == pytest.approx(result.hits[0].score, rel=1e-3)


PASSAGE = (
    "An experimental program classifies reports into sections by pattern recognition "
    "supplemented with heuristics. During the {first} phase, words from labelled reports "
    "are selected and the probability of each word in each section is computed and stored "
    "in a reference dictionary. The {second} phase matches each word of a title against "
    "the dictionary and assigns a section using weights derived from those probabilities; "
    "variants such as plurals, tenses and gerunds are normalised, nomenclature terms are "
    "split into roots, and performance is compared with human consistency by experienced "
    "indexers over approximately eighty sections."
)


def test_a_quoted_word_in_a_pasted_passage_is_one_of_its_words(search_backend, newsroom):
    training = make_article("Indexer training", body="Training indexers to assign sections.")
    sorting = make_article("Report sorting", body="The classification of reports by heuristics.")
    search_backend.index([training, sorting])
    passage = PASSAGE.format(first='"training"', second='"classification"')
    result = ask(search_backend, passage)
    assert {training.pk, sorting.pk} <= set(ids(result))


def test_a_quoted_word_in_a_short_question_is_still_required(search_backend, newsroom):
    result = ask(search_backend, 'crude output prices "ministers"')
    assert ids(result) == [newsroom["opec"].pk]
