"""Plain words read as a person means them: names, common words and questions.

Engine-neutral rules applied to the tree of ``search.query`` before a backend
translates it:

- A capitalised word is a name (matched exactly, never stemmed) when it stands among
  lower-case words or alone; the first word of a sentence ("Oil prices") and every word
  of a title-cased query ("Oil Prices") are ordinary words. Acronyms (``US``, ``OPEC``)
  stay names.
- Common words (``search.analysis.STOP_WORDS``) carry no meaning outside phrases.
- Three or more informative plain words are a question (``Best``): an article needs
  only some of them, and ranking puts those with more, and rarer, words first.
- Quotes keep their strict meaning, except around one word of a passage pasted whole
  (more informative words than a query holds): there they mark a term, as in running
  text, and the word is one of the question's.
"""

from collections.abc import Callable
from dataclasses import replace

from search.nodes import (
    And,
    Best,
    DateRange,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Synonyms,
    Word,
    map_words,
)
from search.query import MAX_CLAUSES, MIN_QUESTION, common, parse_query, plain

# A question of n informative words needs at least this share of them in an article.
BEST_SHARE = 0.05
_SENTENCE_END = set(".?!:;")


def acronym(text: str) -> bool:
    return len(text) > 1 and text.isupper()


def is_common(node: Word) -> bool:
    """A common word that says nothing outside a phrase ("the", "about", "did")."""
    return common(node.text) and not acronym(node.text) and not node.name


def read(text: str) -> ParsedQuery:
    """``text`` parsed, with its names marked: what every backend starts from."""
    parsed = parse_query(text)
    return replace(parsed, node=mark_names(parsed.node))


def mark_names(node):
    """The tree with capitalised words marked as names where they read as names; a
    word excluded with - or NOT is one when capitalised."""
    names = _names(_plain_words(node))
    named = lambda w: replace(w, name=True) if id(w) in names else w  # noqa: E731
    return map_words(node, named, negated=_excluded_name)


def _plain_words(node) -> list[Word]:
    if isinstance(node, Word):
        return [node] if plain(node) or (node.must and not node.field) else []
    if isinstance(node, And | Or):
        return [w for child in node.nodes for w in _plain_words(child)]
    return []


def _names(words: list[Word]) -> set[int]:
    capitalised = [w for w in words if w.text[:1].isupper()]
    if not capitalised:
        return set()
    title_case = len(words) > 1 and len(capitalised) == len(words)
    names = set()
    for position, word in enumerate(words):
        if not word.text[:1].isupper():
            continue
        if common(word.text) and not acronym(word.text):
            continue
        sentence_start = position == 0 and len(words) > 1 and not words[1].text[:1].isupper()
        if acronym(word.text) or not (title_case or sentence_start):
            names.add(id(word))
    if title_case and all(acronym(w.text) for w in words):
        return set()  # caps lock: ordinary words
    return names


def _excluded_name(word: Word) -> Word:
    capitalised = word.text[:1].isupper() and word.field is None and not word.prefix
    if capitalised and (not common(word.text) or acronym(word.text)):
        return replace(word, name=True)
    return word


def need_for(count: int) -> int:
    """How many of a question's ``count`` informative words an article must have
    (backends ask for fewer when no article has that many)."""
    return min(2, count)


def best_match(node, doc_frequency: Callable[[object], int] | None = None):
    """The tree with each question (implicit AND of 3+ informative plain words, or
    names) turned into a ``Best``; explicit syntax keeps its strict meaning.

    ``doc_frequency`` (a node -> how many articles have it) chooses the rarest
    MAX_CLAUSES words of a longer question. Returns (tree, words left out).
    """
    if isinstance(node, Or):
        parts = [best_match(c, doc_frequency) for c in node.nodes]
        return Or(tuple(p for p, _ in parts)), sum(d for _, d in parts)
    if not (isinstance(node, And) and node.implicit):
        return node, 0
    should, must, must_not = [], [], []
    for child in _flat(node):
        if isinstance(child, Not):
            must_not.append(child)
        elif isinstance(child, Synonyms) or plain(child):
            should.append(child)
        else:
            must.append(child)
    informative = [c for c in should if not (isinstance(c, Word) and is_common(c))]
    quoted = [c for c in must if _quoted_word(c)]
    if len(set(informative)) + len(quoted) > MAX_CLAUSES:
        # A passage pasted whole: quotes in running text mark a term (the "training"
        # phase), not a demand that every hit have it.
        must = [c for c in must if not _quoted_word(c)]
        informative += [Word(c.text.strip()) for c in quoted]
    typed = {c: informative.count(c) for c in informative}  # each word once, weighed
    if len(typed) < MIN_QUESTION:
        return node, 0
    distinct = list(typed)
    dropped = max(0, len(distinct) - MAX_CLAUSES)
    if dropped:
        frequency = doc_frequency or (lambda c: 0)
        kept = set(sorted(distinct, key=lambda c: (-typed[c], frequency(c)))[:MAX_CLAUSES])
        distinct = [c for c in distinct if c in kept]
    best = Best(
        tuple(distinct),
        need_for(len(distinct)),
        tuple(must),
        tuple(must_not),
        tuple(typed[c] for c in distinct),
    )
    return best, dropped


def _quoted_word(node) -> bool:
    """One word in quotes, in no field."""
    return isinstance(node, Phrase) and node.field is None and len(node.text.split()) == 1


def _flat(node: And) -> list:
    """The children of an implicit AND, with bracketed plain words ("(i.e. its ability)"
    in a pasted text) taken as part of the question."""
    out = []
    for child in node.nodes:
        if isinstance(child, And) and child.implicit:
            out.extend(_flat(child))
        else:
            out.append(child)
    return out


def dropped_note(dropped: int) -> str:
    return (
        f"The question has more than {MAX_CLAUSES} informative words: "
        f"the {dropped} most common were left out (a word typed twice is kept first)."
    )


def best_notice(best: Best, most: int) -> str | None:
    """What a person should know about a question's hits, where ``most`` is the most
    of its words any hit has."""
    count = len(best.should)
    if most >= count or most == 0:
        return None
    return (
        f"No article has all {count} words of the question; "
        f"showing those with most of them (up to {most})."
    )


def split_dates(node):
    """Date ranges that must hold for every hit, taken out of the tree (they become
    fast array filters); returns (rest of the tree, [DateRange])."""
    if isinstance(node, DateRange):
        return None, [node]
    if isinstance(node, And):
        rest, dates = [], []
        for child in node.nodes:
            if isinstance(child, DateRange):
                dates.append(child)
            else:
                rest.append(child)
        if not rest:
            return None, dates
        return (rest[0] if len(rest) == 1 else And(tuple(rest), node.implicit)), dates
    return node, []
