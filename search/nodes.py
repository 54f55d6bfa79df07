"""The engine-neutral query tree: what ``search.query`` parses and the backends translate."""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    prefix: bool = False
    fuzzy: int = 0
    name: bool = False  # matched exactly, never stemmed (see ``search.question.mark_names``)
    must: bool = False  # typed as +word: required even inside a question


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None

    def __str__(self):
        return f"published:[{self.start or '*'} TO {self.end or '*'}]"


@dataclass(frozen=True)
class Synonyms:
    """Other spellings of one name (a tag's aliases), any of which may match."""

    spellings: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple
    implicit: bool = False  # plain words side by side: may fall back to "most of"


@dataclass(frozen=True)
class Or:
    nodes: tuple


@dataclass(frozen=True)
class Best:
    """A question's informative plain words: the articles with at least ``need`` of
    ``should`` (and every ``must``, no ``must_not``), more and rarer words first."""

    should: tuple  # each word once
    need: int
    must: tuple = ()
    must_not: tuple = ()
    typed: tuple[int, ...] = ()  # how often each of ``should`` was typed (weighs more)


@dataclass
class ParsedQuery:
    node: object | None
    # Why the syntax was not understood (the words were then searched literally).
    errors: list[str] = field(default_factory=list)
    # What was cut to keep the query bounded (length, terms, fuzzy words); searched anyway.
    notes: list[str] = field(default_factory=list)


def map_words(node, change, *, negated=None):
    """The tree with each word replaced by ``change(word)``, left to right; words under
    a NOT by ``negated(word)`` when it is given."""
    if isinstance(node, Word):
        return change(node)
    if isinstance(node, And):
        return And(tuple(map_words(c, change, negated=negated) for c in node.nodes), node.implicit)
    if isinstance(node, Or):
        return Or(tuple(map_words(c, change, negated=negated) for c in node.nodes))
    if isinstance(node, Not):
        inner = negated or change
        return Not(map_words(node.node, inner, negated=negated))
    return node
