"""'Did you mean': the rule both engines follow, each asking its own vocabulary."""

from collections.abc import Callable, Iterable
from typing import Protocol

from search.analysis import analyze

MIN_LETTERS = 4  # shorter words are left as typed
TWO_EDITS_FROM = 6  # letters from which a word may have two mistakes
SUGGEST_BELOW = 5  # a correction is looked for when a query has fewer hits


class Lexicon(Protocol):
    """The indexed words of one engine."""

    def known(self, words: list[str]) -> set[str]:
        """Those of ``words`` (folded, unstemmed) that are indexed."""

    def nearest(self, word: str, distance: int, prefix: int) -> str | None:
        """The indexed word in the most articles within ``distance`` edits of ``word``
        that starts with its first ``prefix`` letters, or None."""


def did_you_mean(
    q: str, words: Iterable[str], lexicon: Lexicon, finds: Callable[[str], bool]
) -> str | None:
    """``q`` with each unknown word of ``words`` replaced by the most common indexed
    word one (from TWO_EDITS_FROM letters: two) typing mistakes away, written in the case
    the word was typed in; only when ``finds`` says the corrected query has hits."""
    words = list(words)
    typed = {}  # word as typed -> its one index term, for words that could be mistyped
    for word in words:
        terms = analyze(word, stem=False)
        if len(terms) == 1 and len(terms[0]) >= MIN_LETTERS and terms[0].isalpha():
            typed[word] = terms[0]
    known = lexicon.known(sorted(set(typed.values()))) if typed else set()
    corrected, changed = q, False
    for word in words:
        if word not in typed or typed[word] in known:
            continue
        best = _nearest(lexicon, typed[word])
        if best:
            corrected, changed = corrected.replace(word, in_case_of(word, best), 1), True
    if not changed:
        return None
    return corrected if finds(corrected) else None


def in_case_of(typed: str, term: str) -> str:
    """``term`` (an index's folded word) in the case of ``typed``: "Pyongyng" gives
    "Pyongyang", "KCAN" gives "KCNA"; a person reads back what they wrote, corrected."""
    if len(typed) > 1 and typed.isupper():
        return term.upper()
    if typed[:1].isupper():
        return term[:1].upper() + term[1:]
    return term


def _nearest(lexicon: Lexicon, term: str) -> str | None:
    # The first letters are rarely mistyped; keeping them keeps the search small.
    for distance, prefix in ((1, 2), (2, 3)):
        if distance == 2 and len(term) < TWO_EDITS_FROM:
            break
        best = lexicon.nearest(term, distance, prefix)
        if best:
            return best
    return None
