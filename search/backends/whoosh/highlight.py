"""Highlights on the original words: escaped text with the matches in <mark>."""

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from html import escape
from string import ascii_letters, digits

from search.analysis import british_spellings, normalize_word, token_pattern

FRAGMENT_CHARS = 220
MAX_FRAGMENTS = 3
MAX_ANCHORS = 40  # fragments are looked for around the first matches only
MAX_SPELLINGS = 64  # more spellings than this: the text's every token is read instead

# What a token of ASCII text is made of (``search.analysis.TOKEN_RE``): letters and
# digits, joined by apostrophes, and the dots of an acronym. Any other character ends one.
_JOINER_CHARS = "'."
_ALNUM = frozenset(ascii_letters + digits)
_TOKEN_CHARS = _ALNUM | frozenset(_JOINER_CHARS)
_JOINERS = str.maketrans("", "", _JOINER_CHARS)
_JOINER_RE = re.compile(f"[{re.escape(_JOINER_CHARS)}]")


def word_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """The spans of the words of ``text`` whose indexed form is one of ``terms``, in
    reading order (what highlights mark and the nearness bonus counts)."""
    if text.isascii():
        spans = _found_in_ascii(text, terms)
        if spans is not None:
            return spans
    return _scanned(text, terms)


@lru_cache(maxsize=1024)
def _spellings(terms: frozenset[str]) -> tuple[str, ...]:
    """Every lower-case spelling a word must start with for its indexed form to be one
    of ``terms``: the form and the British spellings that lead to it."""
    found = {spelling for term in terms for spelling in (term, *british_spellings(term))}
    return tuple(sorted(s for s in found if s))


def _starts(text: str, spelling: str) -> list[int]:
    """Where ``spelling`` starts in ``text``, overlaps included."""
    found, at = [], text.find(spelling)
    while at >= 0:
        found.append(at)
        at = text.find(spelling, at + 1)
    return found


def _found_in_ascii(text: str, terms: set[str]) -> list[tuple[int, int]] | None:
    """``_scanned`` for ASCII text, reading only the tokens where a spelling of a term
    starts (C-speed searches of the lower-cased text instead of a regex over all of it).
    None when that could miss one: a word with a dot or an apostrophe inside it
    (``U.S.``, ``O'Neil``) is found by its spelling without them, so where dropping them
    makes a spelling appear at a place no spelling starts at in the text as written,
    only the whole scan is exact (a place some spelling starts at has its word read
    anyway: "bank's" read as "banks" where "bank" starts); and when there are too many
    spellings to look for."""
    spellings = _spellings(frozenset(terms))
    if len(spellings) > MAX_SPELLINGS:
        return None
    lowered = text.lower()
    joined = lowered.translate(_JOINERS) if "'" in text or "." in text else lowered
    starts, only_joined = set(), []
    for spelling in spellings:
        found = _starts(lowered, spelling)
        if joined is not lowered:
            in_joined = _starts(joined, spelling)
            if len(in_joined) != len(found):
                only_joined += in_joined
        starts.update(found)
    if only_joined and not _places_known(lowered, only_joined, starts):
        return None
    pattern, spans = token_pattern(text), []
    read_to = 0  # the end of the last token read: the scan is in step there
    for start in sorted(starts):
        if start < read_to or (start and text[start - 1] in _ALNUM):
            continue  # inside a token read already, or a letter's run: no token starts here
        # Read the tokens from the last character no token spans (or the last token's end).
        at = start
        while at > read_to and text[at - 1] in _TOKEN_CHARS:
            at -= 1
        for match in pattern.finditer(text, at):
            read_to = match.end()
            if read_to <= start:
                continue
            if match.start() == start and normalize_word(match.group())[0] in terms:
                spans.append(match.span())
            break
    return spans


class KeptSpans:
    """``word_spans`` of the texts one search reads, each text searched once for a set
    of terms: the nearness bonus and the highlights read the same articles' words."""

    def __init__(self):
        self._found: dict[tuple[str, frozenset], list[tuple[int, int]]] = {}

    def __call__(self, text: str, terms) -> list[tuple[int, int]]:
        key = (text, frozenset(terms))
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = word_spans(text, terms)
        return found


def _places_known(lowered: str, joined_places: list[int], starts: set[int]) -> bool:
    """Whether each of these places of the joined text (``lowered`` without its dots and
    apostrophes) is, in ``lowered``, one of ``starts``."""
    # A place of the joined text lies after the dropped characters the joined text
    # would have put at or before it: shifted[n] is where the n-th one would stand.
    shifted = [m.start() - n for n, m in enumerate(_JOINER_RE.finditer(lowered))]
    return all(at + bisect_right(shifted, at) in starts for at in joined_places)


def _scanned(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """The spans of the words of ``text`` whose indexed form is one of ``terms``: one
    pass of the token pattern, each distinct spelling normalised once (a text repeats
    most of its words; a findall then a finditer over the text cost a fifth more)."""
    spans, marked = [], {}
    for match in token_pattern(text).finditer(text):
        word = match.group()
        hit = marked.get(word)
        if hit is None:
            hit = marked[word] = normalize_word(word)[0] in terms
        if hit:
            spans.append(match.span())
    return spans


def _marked(text: str, start: int, end: int, spans) -> str:
    out, at = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[at:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        at = e
    out.append(escape(text[at:end]))
    return "".join(out)


def highlight_title(title: str, terms: set[str], spans_of=word_spans) -> str:
    """The whole title, escaped, with the indexed words ``terms`` in <mark> (``spans_of``:
    ``word_spans`` or a search's ``KeptSpans``)."""
    return _marked(title, 0, len(title), spans_of(title, terms))


def _window(text: str, centre: int) -> tuple[int, int]:
    start = max(0, centre - FRAGMENT_CHARS // 3)
    end = min(len(text), start + FRAGMENT_CHARS)
    start = max(0, end - FRAGMENT_CHARS)
    # Cut at spaces so words stay whole.
    if start > 0:
        space = text.find(" ", start, centre)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", centre, end)
        end = space if space > centre else end
    return start, end


def highlight_body(text: str, terms: set[str], spans_of=word_spans) -> tuple[str, ...]:
    """One to three fragments around the densest matches, in reading order; the
    opening of the text when nothing in it matches."""
    spans = spans_of(text, terms)
    if not spans:
        start, end = _window(text, 0)
        return (escape(text[start:end]) + (" …" if end < len(text) else ""),) if text else ()
    starts = [s for s, _e in spans]
    candidates = []
    for s in starts[:MAX_ANCHORS]:
        start, end = _window(text, s)
        inside = spans[bisect_left(starts, start) : bisect_right(starts, end)]
        inside = [x for x in inside if x[1] <= end]
        distinct = len({text[a:b].casefold() for a, b in inside})
        candidates.append((distinct, len(inside), -start, start, end))
    chosen: list[tuple[int, int]] = []
    for *_score, start, end in sorted(candidates, reverse=True):
        if all(end <= a or start >= b for a, b in chosen):
            chosen.append((start, end))
        if len(chosen) == MAX_FRAGMENTS:
            break
    fragments = []
    for start, end in sorted(chosen):
        fragment = _marked(text, start, end, spans)
        fragments.append(("… " if start > 0 else "") + fragment + (" …" if end < len(text) else ""))
    return tuple(fragments)
