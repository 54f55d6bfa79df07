"""What a news reader expects to match, on the seed articles."""

import pytest

from search.analysis import (
    PLAIN_TOKEN_RE,
    american_spelling,
    analyze,
    british_spellings,
    fold,
    token_pattern,
)
from tests.factories import make_article
from tests.search.conftest import ids_of, reindex

pytestmark = pytest.mark.django_db


def test_denuclearization_finds_the_al_jazeera_article_that_writes_denuclearisation(seeded, find):
    result = find("denuclearization")
    assert seeded["aljazeera"].pk in ids_of(result)
    assert "denuclearisation" in seeded["aljazeera"].body
    assert "denuclearization" not in seeded["aljazeera"].body


def test_denuclearization_highlights_the_british_spelling_as_written(seeded, find):
    hit = next(h for h in find("denuclearization").hits if h.id == seeded["aljazeera"].pk)
    assert any("<mark>denuclearisation</mark>" in f for f in hit.highlights.body)


def test_normalise_finds_normalize(seeded, find):
    assert "normalize relations" in seeded["joongang"].body
    assert ids_of(find("normalise")) == {seeded["joongang"].pk}


def test_defence_finds_defense(seeded, find):
    assert "defense analyst" in seeded["scmp"].body
    assert seeded["scmp"].pk in ids_of(find("defence"))


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("organisation", "organization"),
        ("recognised", "recognized"),
        ("colour", "color"),
        ("labourers", "laborers"),
        ("offences", "offenses"),
        ("centre", "center"),
        ("analysed", "analyzed"),
    ],
)
def test_british_and_american_spellings_are_one_term(british, american):
    assert analyze(british, stem=True) == analyze(american, stem=True)
    assert analyze(british, stem=False) == analyze(american, stem=False)


@pytest.mark.parametrize("word", ["four", "hour", "your", "rise", "wise", "praise", "fence"])
def test_short_words_that_look_british_keep_their_spelling(word):
    assert analyze(word, stem=False) == [word]


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("organisation", "organization"),
        ("defence", "defense"),
        ("centre", "center"),
        ("colour", "color"),
        ("analyse", "analyze"),
    ],
)
def test_one_spelling_table_serves_both_directions(british, american):
    assert american_spelling(british) == american
    assert american_spelling(american) == american
    assert british_spellings(american) == [british]


@pytest.mark.parametrize("word", ["four", "hour", "rise", "fence"])
def test_words_that_only_look_british_or_american_have_one_spelling(word):
    assert american_spelling(word) == word
    assert british_spellings(word) == []


def test_kim_jong_un_finds_the_articles_writing_kim_jong_hyphen_un(seeded, find):
    assert "Kim Jong-un" in seeded["herald"].body
    found = ids_of(find('"Kim Jong Un"', page_size=10))
    assert {seeded["herald"].pk, seeded["scmp"].pk} <= found


def test_jong_hyphen_un_finds_the_bloomberg_article_writing_kim_jong_un(seeded, find):
    assert "Kim Jong Un" in seeded["bloomberg"].body
    assert seeded["bloomberg"].pk in ids_of(find("Jong-un", page_size=10))
    assert seeded["bloomberg"].pk in ids_of(find('"Kim Jong-un"', page_size=10))


def test_dotted_and_plain_us_are_the_same_word(seeded, find):
    assert "U.S." in seeded["bloomberg"].body
    assert "U.S." not in seeded["scmp"].body
    assert seeded["scmp"].pk in ids_of(find("U.S.", page_size=10))
    assert seeded["bloomberg"].pk in ids_of(find("US", page_size=10))


def test_un_and_dotted_un_are_searchable_and_equal(seeded, find):
    assert "UN sanctions" in seeded["bloomberg"].body
    assert seeded["bloomberg"].pk in ids_of(find('"U.N. sanctions"'))
    assert seeded["bloomberg"].pk in ids_of(find('"UN sanctions"'))


def test_us_is_not_a_stop_word():
    assert analyze("us", stem=True) == ["us"]


def test_us_alone_finds_articles(seeded, find):
    assert find("us").total >= 4


def test_accents_fold():
    assert fold("Nguyễn Phú Trọng") == "nguyen phu trong"


def test_nguyen_phu_trong_finds_the_accented_spelling(db, find):
    article = make_article("Hanoi talks", body="Nguyễn Phú Trọng welcomed Kim Jong Un in Hanoi.")
    reindex(article)
    assert ids_of(find("Nguyen Phu Trong")) == {article.pk}
    assert ids_of(find('"nguyen phu trong"')) == {article.pk}


def test_pyongyangs_finds_articles_that_only_write_pyongyang(seeded, find):
    assert "Pyongyang's" not in seeded["bloomberg"].body
    assert seeded["bloomberg"].pk in ids_of(find("Pyongyang's", page_size=10))


def test_summits_finds_an_article_that_writes_summit(seeded, find):
    body = seeded["bloomberg"].body
    assert "summit" in body and "summits" not in body
    assert seeded["bloomberg"].pk in ids_of(find("summits", page_size=10))


def test_jinping_as_a_name_is_not_stemmed(db, find):
    name = make_article("Visit", body="Xi Jinping arrived on Thursday.")
    other = make_article("Other", body="The jinps of the season.")  # stems like jinping
    reindex(name, other)
    assert analyze("Jinping", stem=False) == ["jinping"]
    result = find("Jinping")
    assert ids_of(result) == {name.pk}
    assert "name:jinping" in result.parsed


def test_a_tag_alias_finds_both_spellings(seeded, find):
    from archive.models import Tag

    kim = Tag.objects.get(kind="person", slug="kim-jong-un")
    kim.aliases = [*kim.aliases, "Kim Chong-un"]
    kim.save()
    korean = make_article("KCNA report", body="Kim Chong-un inspected a factory.")
    reindex(korean)
    assert korean.pk in ids_of(find("Kim Jong Un", page_size=20))
    assert seeded["herald"].pk in ids_of(find('"Kim Chong-un"', page_size=20))


ASCII_EDGES = (
    "U.S. and U.N. talks; A.1. or a.b.c, O'Neill's Reuter's 'quoted' don't-stop "
    "snake_case x2 1,987.5 e.g. i.e., B-52s next value; __init__ it's... 'tis"
)


@pytest.mark.parametrize(
    "text", [ASCII_EDGES, "Nguyễn said U.S. talks", "Pyongyang’s defence", "naïve_café 3²"]
)
def test_the_faster_ascii_pattern_cuts_the_same_tokens_at_the_same_places(text):
    expected = [(m.group(), m.span()) for m in PLAIN_TOKEN_RE.finditer(text)]
    assert [(m.group(), m.span()) for m in token_pattern(text).finditer(text)] == expected
    assert (token_pattern(text) is PLAIN_TOKEN_RE) is not text.isascii()
