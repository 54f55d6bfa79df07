"""Highlights on the original words: escaped text with the matches in <mark>."""

from bisect import bisect_left, bisect_right
from html import escape

from search.analysis import normalize_word, token_pattern

FRAGMENT_CHARS = 220
MAX_FRAGMENTS = 3
MAX_ANCHORS = 40  # fragments are looked for around the first matches only


def _matches(text: str, terms: set[str]) -> list[tuple[int, int]]:
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


def highlight_title(title: str, terms: set[str]) -> str:
    """The whole title, escaped, with the indexed words ``terms`` in <mark>."""
    return _marked(title, 0, len(title), _matches(title, terms))


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


def highlight_body(text: str, terms: set[str]) -> tuple[str, ...]:
    """One to three fragments around the densest matches, in reading order; the
    opening of the text when nothing in it matches."""
    spans = _matches(text, terms)
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
