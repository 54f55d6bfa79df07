"""Tag matching rules: which articles a tag's rule (and its aliases) picks out.

Words and phrases match on whole words, ignoring case, punctuation and hyphens, so
"Kim Jong-un" and "Kim Jong Un" are the same phrase. For "any" and "all" the pattern
is a list of words, or of phrases when it contains commas; an empty pattern means the
tag's name and aliases. "phrase" matches the pattern or any spelling of the tag;
"regex" is a Python regular expression searched in the title and body, ignoring case.

A regular expression can backtrack for ever on some texts ("(a+)+$"). It runs with the
``regex`` package's time limit (CPU time): over ``RULE_TIME_LIMIT`` on an article, the
rule is skipped for that article and the run reports it; one that times out
``RULE_STRIKES`` times in a run is dropped for the rest of it. A person saving a rule
is told first: a pattern that is too long, or too slow on probe texts, is refused.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import regex
from django.db import transaction
from django.db.models import Q, QuerySet

from archive.ingest.draft import IngestError
from archive.ingest.normalize import words
from archive.models import Article, Tag

# (text, haystack): the raw title and body, and their words as " w1 w2 … wn ".
Matcher = Callable[[str, str], bool]
# Modes that need a pattern of their own when a person writes the rule.
_NEEDS_PATTERN = frozenset({Tag.MatchMode.ANY, Tag.MatchMode.ALL, Tag.MatchMode.REGEX})
# CPU seconds a regular expression may take on one article, and timeouts before a run
# stops trying it: a legitimate rule takes well under a millisecond on a long article.
RULE_TIME_LIMIT = 0.1
RULE_STRIKES = 3
MAX_PATTERN_CHARS = 500
# A pattern that takes longer than this on a probe text is refused when saved.
_PROBE_TIME_LIMIT = 0.05
_PROBE_LENGTH = 3000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleProblem:
    """Why a matching rule cannot be saved, for a person (``message``); ``reason`` is
    one of "invalid", "too_long", "slow" (regular expressions) or "missing"."""

    reason: str
    message: str


def rule_problem(mode: str, pattern: str) -> RuleProblem | None:
    """What is wrong with the rule ``mode``/``pattern`` a person wrote, if anything.

    The one check of the admin's tag form and the API's tag serializer; the same
    compile check makes ``compile_rule`` refuse a stored rule.
    """
    if mode in _NEEDS_PATTERN and not pattern.strip():
        return RuleProblem("missing", f"A rule of mode “{mode}” needs words or a pattern.")
    if mode != Tag.MatchMode.REGEX:
        return None
    if len(pattern) > MAX_PATTERN_CHARS:
        return RuleProblem(
            "too_long",
            f"The pattern is {len(pattern):,} characters long; at most "
            f"{MAX_PATTERN_CHARS} are allowed.",
        )
    try:
        compiled = _compile(pattern)
    except regex.error as exc:
        return RuleProblem("invalid", f"Not a valid regular expression: {exc}.")
    probe = _slow_probe(compiled, pattern)
    if probe is not None:
        return RuleProblem(
            "slow",
            f"The pattern takes too long on a test text ({probe}); it backtracks without "
            "end, as nested repeats like (a+)+ or (\\w+\\s?)+ do. Simplify it.",
        )
    return None


def _compile(pattern: str) -> regex.Pattern:
    return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)


def _probes(pattern: str) -> list[str]:
    """Texts that make a backtracking pattern slow: long runs of a letter, a digit, a
    space, of the pattern's own characters, or of words, each ending in a mismatch."""
    units = ["a", "1", " ", "ab ", "a1 ", "a.", "\n"]
    units += sorted({c for c in pattern.casefold() if c.isalnum()})[:12]
    return [unit * (_PROBE_LENGTH // len(unit)) + "!\u0000" for unit in dict.fromkeys(units)]


def _slow_probe(compiled: regex.Pattern, pattern: str) -> str | None:
    """A description of the first probe text on which ``compiled`` times out, if any."""
    for text in _probes(pattern):
        try:
            compiled.search(text, timeout=_PROBE_TIME_LIMIT)
        except TimeoutError:
            return f"{len(text):,} characters of “{text[:6]}…”"
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
        try:
            compiled = _compile(tag.match_pattern)
        except regex.error as exc:
            raise IngestError(f"tag {tag.name!r}: invalid regular expression ({exc})") from exc
        # An empty expression matches every article, as it always has for a stored rule.
        # Over the time limit, search raises TimeoutError: the caller skips the rule.
        return lambda text, haystack: bool(compiled.search(text, timeout=RULE_TIME_LIMIT))
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


def _timed_out(tag: Tag, title: str, *, dropped: bool) -> str:
    what = "skipped for this article"
    if dropped:
        what += f" and, after {RULE_STRIKES} such articles, for the rest of the run"
    warning = (
        f"tag rule “{tag.name}” ({tag.kind}) took over {RULE_TIME_LIMIT:g} s on “{title[:80]}”: "
        f"{what}; simplify its pattern"
    )
    logger.warning(warning)
    return warning


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
        self._strikes: dict[int, int] = {}
        # (item, warning) of the rules that timed out, for the run's report.
        self.warnings: dict[tuple[str, int], str] = {}

    @classmethod
    def load(cls) -> "RuleSet":
        return cls(list(Tag.objects.exclude(match_mode=Tag.MatchMode.NONE)))

    def tags_for(self, title: str, body: str, *, item: str = "") -> list[Tag]:
        if not self._rules:
            return []
        # Words are computed once; each rule looks in the same haystack.
        text, haystack = article_text(title, body)
        found = []
        for tag, rule in list(self._rules):
            try:
                if rule(text, haystack):
                    found.append(tag)
            except TimeoutError:
                self._strike(tag, title, item)
        return found

    def _strike(self, tag: Tag, title: str, item: str) -> None:
        strikes = self._strikes[tag.pk] = self._strikes.get(tag.pk, 0) + 1
        dropped = strikes >= RULE_STRIKES
        if dropped:
            self._rules = [(t, rule) for t, rule in self._rules if t.pk != tag.pk]
        self.warnings.setdefault((item, tag.pk), _timed_out(tag, title, dropped=dropped))

    def take_warnings(self) -> list[tuple[str, str]]:
        """(item, warning) of the rules that timed out since the last call."""
        taken = [(item, warning) for (item, _), warning in self.warnings.items()]
        self.warnings.clear()
        return taken


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
    rules = RuleSet([tag])  # its time limit: an article it times out on is not matched
    ids = [pk for pk, title, body in rows.iterator(chunk_size=1000) if rules.tags_for(title, body)]
    return Article.objects.filter(pk__in=ids)


def tag_rule_apply(tag: Tag, articles: QuerySet | None = None) -> int:
    """Add the tag to every matching article that lacks it; returns how many got it."""
    matched = tag_rule_matches(tag, articles).exclude(tags=tag)
    ids = list(matched.values_list("id", flat=True))
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            tag.articles.add(*ids[start : start + 500])
    return len(ids)
