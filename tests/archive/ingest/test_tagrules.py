"""Tag rules and aliases reach articles without hand work."""

import json
import time

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
        ("regex", "crude(", "invalid"),
        ("regex", "", "missing"),
        ("any", "  ", "missing"),
        ("all", "", "missing"),
        ("phrase", "", None),
        ("none", "", None),
        ("any", "crude, oil", None),
        ("regex", r"\bcrude\b", None),
        ("regex", r"\bKim\b.*\bKorea", None),
        ("regex", "oil|" * 200, "too_long"),
        ("regex", r"(a+)+$", "slow"),
        ("regex", r"(\w+\s?)+$", "slow"),
        ("regex", r"(a|aa)+$", "slow"),
        ("regex", r"\s*\s*\s*$", "slow"),
    ],
)
def test_one_check_says_what_is_wrong_with_a_rule_a_person_wrote(mode, pattern, problem):
    found = rule_problem(mode, pattern)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert found.reason == problem
        assert found.message  # what the admin form and the API show


def _jsonl(items: list[dict]) -> str:
    return "".join(json.dumps(item) + "\n" for item in items)


def test_a_catastrophic_stored_rule_does_not_make_an_ingest_slow(write):
    """Saved before rules were checked (or by hand): ``(a+)+$`` took 18.5 s on 28
    characters with Python's re, past the web worker's timeout for a few more."""
    make_tag("As", match_mode="regex", match_pattern=r"(a+)+$")
    started = time.process_time()

    batch = ingest_paths([write("a.jsonl", _jsonl([{"title": "As", "body": "a" * 28 + "!"}]))])

    assert time.process_time() - started < 2
    assert (batch.created, batch.failed) == (1, 0)


def test_a_rule_over_its_time_limit_is_skipped_for_that_article_and_reported(write):
    slow = make_tag("Words", match_mode="regex", match_pattern=r"(\w+\s?)+$")
    oil = make_tag("Oil", match_mode="any", match_pattern="oil")
    items = [{"title": f"Oil {n}", "body": f"oil {n} " + "ab " * 2000 + "!"} for n in range(5)]
    started = time.process_time()

    batch = ingest_paths([write("a.jsonl", _jsonl(items))])

    # Three timeouts of 0.1 s CPU at most, then the rule is dropped for the run.
    assert time.process_time() - started < 5
    assert (batch.created, batch.failed) == (5, 0)
    warnings = [e for e in batch.errors if e.get("level") == "warning"]
    assert [w["item"] for w in warnings] == ["line 1", "line 2", "line 3"]
    assert "tag rule “Words” (topic) took over 0.1 s on “Oil 0”" in warnings[0]["reason"]
    assert "for the rest of the run" in warnings[2]["reason"]
    assert not slow.articles.exists()
    assert oil.articles.count() == 5


def test_previewing_a_slow_rule_skips_the_articles_it_times_out_on():
    make_article("Long", body="ab " * 2000 + "!")
    make_article("Short", body="ab ab")
    tag = make_tag("Words", match_mode="regex", match_pattern=r"(\w+\s?)+$")

    assert list(tag_rule_matches(tag).values_list("title", flat=True)) == ["Short"]
