"""Tag matching rules: which articles a tag's rule (and its aliases) picks out.

Words and phrases match on whole words, ignoring case, punctuation and hyphens, so
"Kim Jong-un" and "Kim Jong Un" are the same phrase. For "any" and "all" the pattern
is a list of words, or of phrases when it contains commas; an empty pattern means the
tag's name and aliases. "phrase" matches the pattern or any spelling of the tag;
"regex" is a Python regular expression searched in the title and body, ignoring case.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from archive.ingest.draft import IngestError
from archive.ingest.normalize import words
from archive.models import Article, Tag

# (text, haystack): the raw title and body, and their words as " w1 w2 … wn ".
Matcher = Callable[[str, str], bool]
# Modes that need a pattern of their own when a person writes the rule.
_NEEDS_PATTERN = frozenset({Tag.MatchMode.ANY, Tag.MatchMode.ALL, Tag.MatchMode.REGEX})


@dataclass(frozen=True)
class RuleProblem:
    """Why a matching rule cannot be saved: its regular expression does not compile
    (``regex_error``), or its mode needs a pattern and it has none."""

    regex_error: re.error | None = None


def rule_problem(mode: str, pattern: str) -> RuleProblem | None:
    """What is wrong with the rule ``mode``/``pattern`` a person wrote, if anything.

    The one check of the admin's tag form and the API's tag serializer; the same
    regular-expression check makes ``compile_rule`` refuse a stored rule.
    """
    if mode == Tag.MatchMode.REGEX:
        try:
            re.compile(pattern)
        except re.error as exc:
            return RuleProblem(regex_error=exc)
    if mode in _NEEDS_PATTERN and not pattern.strip():
        return RuleProblem()
    return None


def _terms(pattern: str) -> list[str]:
    parts = pattern.split(",") if "," in pattern else pattern.split()
    return [" ".join(words(p)) for p in parts if words(p)]


def _spellings(tag: Tag) -> list[str]:
    return [" ".join(words(s)) for s in tag.spellings if words(s)]


def rule_terms(tag: Tag) -> list[str]:
    """The word sequences a non-regex rule looks for."""
    pattern = tag.match_pattern.strip()
    if tag.match_mode == Tag.MatchMode.PHRASE:
        return ([" ".join(words(pattern))] if words(pattern) else []) + _spellings(tag)
    return _terms(pattern) or _spellings(tag)


def compile_rule(tag: Tag) -> Matcher | None:
    """A predicate over an article's text (title and body), or None for no rule."""
    mode = tag.match_mode
    if mode in ("", Tag.MatchMode.NONE):
        return None
    if mode == Tag.MatchMode.REGEX:
        problem = rule_problem(mode, tag.match_pattern)
        if problem is not None and problem.regex_error is not None:
            error = problem.regex_error
            raise IngestError(f"tag {tag.name!r}: invalid regular expression ({error})")
        # An empty expression matches every article, as it always has for a stored rule.
        regex = re.compile(tag.match_pattern, re.IGNORECASE)
        return lambda text, haystack: bool(regex.search(text))
    terms = [f" {t} " for t in dict.fromkeys(rule_terms(tag))]
    if not terms:
        return None
    need_all = mode == Tag.MatchMode.ALL

    def matches(text: str, haystack: str) -> bool:
        found = (t in haystack for t in terms)
        return all(found) if need_all else any(found)

    return matches


def article_text(title: str, body: str) -> tuple[str, str]:
    """What a rule looks at: the text, and its words as one space-padded string."""
    text = f"{title}\n{body}"
    return text, f" {' '.join(words(text))} "


class RuleSet:
    """Every tag with a rule, compiled once for a run of the pipeline."""

    def __init__(self, tags: list[Tag]) -> None:
        self._rules = []
        for tag in tags:
            try:
                rule = compile_rule(tag)
            except IngestError:
                continue  # a broken rule must not stop an import; the admin reports it
            if rule is not None:
                self._rules.append((tag, rule))

    @classmethod
    def load(cls) -> "RuleSet":
        return cls(list(Tag.objects.exclude(match_mode=Tag.MatchMode.NONE)))

    def tags_for(self, title: str, body: str) -> list[Tag]:
        if not self._rules:
            return []
        # Words are computed once; each rule looks in the same haystack.
        text, haystack = article_text(title, body)
        return [tag for tag, rule in self._rules if rule(text, haystack)]


def _prefilter(tag: Tag, articles: QuerySet) -> QuerySet:
    """Narrow the candidates in the database before checking each one in Python."""
    if tag.match_mode == Tag.MatchMode.REGEX:
        return articles
    firsts = [t.split()[0] for t in rule_terms(tag)]
    if not firsts:
        return articles.none()
    conditions = [Q(title__icontains=w) | Q(body__icontains=w) for w in dict.fromkeys(firsts)]
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = (
            combined & condition if tag.match_mode == Tag.MatchMode.ALL else combined | condition
        )
    return articles.filter(combined)


def tag_rule_matches(tag: Tag, articles: QuerySet | None = None) -> QuerySet:
    """The articles (of ``articles``, default all) that the tag's rule picks out."""
    articles = Article.objects.all() if articles is None else articles
    rule = compile_rule(tag)
    if rule is None:
        return articles.none()
    rows = _prefilter(tag, articles).values_list("id", "title", "body")
    ids = [
        pk for pk, title, body in rows.iterator(chunk_size=1000) if rule(*article_text(title, body))
    ]
    return Article.objects.filter(pk__in=ids)


def tag_rule_apply(tag: Tag, articles: QuerySet | None = None) -> int:
    """Add the tag to every matching article that lacks it; returns how many got it."""
    matched = tag_rule_matches(tag, articles).exclude(tags=tag)
    ids = list(matched.values_list("id", flat=True))
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            tag.articles.add(*ids[start : start + 500])
    return len(ids)
