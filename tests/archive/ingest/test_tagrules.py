"""Tag rules and aliases reach articles without hand work."""

import pytest

from archive.ingest.run import ingest_paths
from archive.ingest.tagrules import compile_rule, rule_problem, tag_rule_apply, tag_rule_matches
from archive.models import Article, Tag
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db


def _matches(tag: Tag, text: str) -> bool:
    from archive.ingest.tagrules import article_text

    return compile_rule(tag)(*article_text("", text))


@pytest.mark.parametrize(
    ("mode", "pattern", "text", "expected"),
    [
        ("phrase", "", "Kim Jong-un arrived.", True),
        ("phrase", "", "Kim Jong Un arrived.", True),
        ("phrase", "", "Kim arrived.", False),
        ("any", "Kim, Pyongyang", "Kim arrived.", True),
        ("all", "Kim Korea", "Kim arrived in South Korea.", True),
        ("all", "Kim Korea", "Kim arrived in Seoul.", False),
        ("regex", r"\bKim\b.*\bKorea", "Kim of North Korea", True),
        ("none", "", "Kim Jong Un", None),
    ],
)
def test_rule_modes(mode, pattern, text, expected):
    tag = Tag(name="Kim Jong Un", kind="person", aliases=["Kim Jong-un"])
    tag.match_mode, tag.match_pattern = mode, pattern
    if expected is None:
        assert compile_rule(tag) is None
    else:
        assert _matches(tag, text) is expected


def test_ingest_applies_rules_so_every_spelling_reaches_the_person(write):
    make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un"], match_mode="phrase")
    make_tag("Kim (in Korea stories)", kind="other", match_mode="all", match_pattern="Kim Korea")
    lines = [
        {"title": "One", "body": "Kim Jong-un met the press on Monday in the capital."},
        {"title": "Two", "body": "Kim Jong Un met the press on Tuesday in the capital."},
        {"title": "Three", "body": "Kim met the press in North Korea on Wednesday morning."},
    ]
    import json

    ingest_paths([write("k.jsonl", "".join(json.dumps(o) + "\n" for o in lines))])
    person = Tag.objects.get(kind="person")
    assert set(person.articles.values_list("title", flat=True)) == {"One", "Two"}
    assert Tag.objects.get(kind="other").articles.get().title == "Three"


def test_tag_given_by_alias_reaches_the_existing_tag(write):
    make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un"])
    write_line = '{"title": "T", "body": "Some body text.", "tags": [{"name": "Kim Jong-un", '
    write_line += '"kind": "person"}]}\n'
    ingest_paths([write("a.jsonl", write_line)])
    assert Tag.objects.filter(kind="person").count() == 1
    assert Article.objects.get().tags.get().name == "Kim Jong Un"


def test_preview_and_apply_a_rule_to_stored_articles():
    make_article("A", body="Talks with Kim Jong-un resumed.")
    make_article("B", body="Nothing about him here.")
    tag = make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un"], match_mode="phrase")
    assert list(tag_rule_matches(tag).values_list("title", flat=True)) == ["A"]
    assert tag_rule_apply(tag) == 1
    assert tag_rule_apply(tag) == 0
    assert list(tag.articles.values_list("title", flat=True)) == ["A"]


@pytest.mark.parametrize(
    ("mode", "pattern", "problem"),
    [
        ("regex", "crude(", "regex"),
        ("regex", "", "missing"),
        ("any", "  ", "missing"),
        ("all", "", "missing"),
        ("phrase", "", None),
        ("none", "", None),
        ("any", "crude, oil", None),
        ("regex", r"\bcrude\b", None),
    ],
)
def test_one_check_says_what_is_wrong_with_a_rule_a_person_wrote(mode, pattern, problem):
    found = rule_problem(mode, pattern)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert (found.regex_error is not None) is (problem == "regex")
