"""The query language, parsed into a small engine-neutral tree.

    words            one or two: all must match; three or more plain words are a
                     question: the articles with most of them, best first
    +word            this word must match, even inside a question
    "a phrase"       the words in this order
    a OR b, (a b)    either; parentheses group
    NOT a, -a        without
    title: outlet: author: tag:   search one field (a word or a "phrase")
    summ*            words starting with "summ" (at most MAX_EXPANSION of them)
    Pyongyng~        words within one edit (~2: two)
    published:[2018-05-01 TO 2018-06-30], published:2018, published:2018-05

A syntax error never raises: ``parse_query`` returns the words to search literally
and says which part was wrong and why. Whatever is typed, the work is bounded: at most
MAX_QUERY_CHARS characters, MAX_CLAUSES terms, MAX_DEPTH levels of brackets and NOTs and
MAX_FUZZY fuzzy words are searched (backends expand a prefix to at most MAX_EXPANSION
words), and each cut is said in ``notes``.
"""

import calendar
import datetime as dt
import re
from dataclasses import replace

from search.analysis import STOP_WORDS, analyze, fold
from search.nodes import And, DateRange, Not, Or, ParsedQuery, Phrase, Word, map_words

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 32
MAX_QUESTION_WORDS = 100  # plain words kept from a pasted question before choosing
MIN_QUESTION = 3  # plain words (not counting common ones) that make a question
MAX_EXPANSION = 100
MAX_FUZZY = 4  # words~ per query: each scans the vocabulary, the rest are searched as typed
MAX_DEPTH = 16  # brackets and NOTs inside each other; deeper is searched literally
MIN_PREFIX = 2
SHOWN_CHARS = 40  # of a query quoted back in a message
FIELDS = ("title", "outlet", "author", "tag", "published")


class QuerySyntaxError(Exception):
    pass


# Control characters mean nothing in a query (and PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """``text`` with control characters (NUL, ESC, …) read as spaces."""
    return _CONTROL.sub(" ", text)


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_date(text: str, *, end: bool = False) -> dt.date | None:
    """'2018' / '2018-05' / '2018-05-09' as the first (or last) day they cover."""
    if text in ("*", ""):
        return None
    match = _DATE_RE.match(text)
    if not match:
        raise QuerySyntaxError(f"{text!r} is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, last if end else 1)
        return dt.date(year, month, day)
    except ValueError as error:
        raise QuerySyntaxError(f"{text!r} is not a date ({error})") from error


# Lexer ---------------------------------------------------------------------------
_SPECIAL = set('()"')


def _lex(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, position) tokens: LP RP OR AND NOT MINUS PLUS PHRASE RANGE FIELD WORD."""
    tokens, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(("LP" if ch == "(" else "RP", ch, i))
            i += 1
        elif ch == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise QuerySyntaxError(f"the quote at character {i + 1} is never closed")
            tokens.append(("PHRASE", text[i + 1 : close], i))
            i = close + 1
        elif ch in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+":
            tokens.append(("MINUS" if ch == "-" else "PLUS", ch, i))
            i += 1
        elif ch in "[{":
            close = text.find("]" if ch == "[" else "}", i)
            if close < 0:
                raise QuerySyntaxError(f"the {ch!r} at character {i + 1} is never closed")
            tokens.append(("RANGE", text[i + 1 : close], i))
            i = close + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _SPECIAL:
                i += 1
                if text[i - 1] == ":" and i < n and text[i] in '"[{':
                    break
            chunk = text[start:i]
            if chunk in ("AND", "OR", "NOT") or chunk in ("&&", "||"):
                kind = {"&&": "AND", "||": "OR"}.get(chunk, chunk)
                tokens.append((kind, chunk, start))
            elif re.match(r"^[A-Za-z]+:", chunk) and not chunk.endswith("://"):
                name, _, rest = chunk.partition(":")
                if name.lower() not in FIELDS:
                    if rest:
                        raise QuerySyntaxError(
                            f"{name}: at character {start + 1} is not a field "
                            f"(fields: {', '.join(FIELDS)})"
                        )
                    tokens.append(("WORD", name, start))
                    continue
                tokens.append(("FIELD", name.lower(), start))
                if rest:
                    tokens.append(("WORD", rest, start + len(name) + 1))
            elif _searchable(chunk):
                tokens.append(("WORD", chunk, start))
    return tokens


def _searchable(chunk: str) -> bool:
    """False for a lone dash, emoji or other sign between words ("U.S. — talks", pasted):
    it says nothing to search, so it is skipped like a space instead of failing the query.
    A wildcard or fuzzy mark stays, for the parser to say what is wrong with it."""
    return bool(analyze(chunk, stem=False)) or any(mark in chunk for mark in "*~")


# Parser --------------------------------------------------------------------------
class _Parser:
    def __init__(self, tokens):
        self.tokens, self.i, self.depth = tokens, 0, 0

    def nested(self, pos):
        """One level deeper; a parser that recursed without bound would crash."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(
                f"brackets or NOTs are nested more than {MAX_DEPTH} deep at character {pos + 1}"
            )

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None, None)

    def take(self):
        token = self.peek()
        self.i += 1
        return token

    def parse(self):
        if not self.tokens:
            return None
        node = self.or_expr()
        kind, _value, pos = self.peek()
        if kind == "RP":
            raise QuerySyntaxError(f"the ')' at character {pos + 1} has no '('")
        return node

    def or_expr(self):
        nodes = [self.and_expr()]
        while self.peek()[0] == "OR":
            _, _, pos = self.take()
            if self.peek()[0] in (None, "RP", "OR", "AND"):
                raise QuerySyntaxError(f"OR at character {pos + 1} has nothing after it")
            nodes.append(self.and_expr())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def and_expr(self):
        kind, _, pos = self.peek()
        if kind in ("OR", "AND"):
            raise QuerySyntaxError(f"{kind} at character {pos + 1} has nothing before it")
        if kind in (None, "RP"):
            raise QuerySyntaxError(f"nothing to search at character {(pos or 0) + 1}")
        nodes, implicit = [self.unary()], True
        while self.peek()[0] not in (None, "RP", "OR"):
            if self.peek()[0] == "AND":
                _, _, pos = self.take()
                implicit = False
                if self.peek()[0] in (None, "RP", "OR", "AND"):
                    raise QuerySyntaxError(f"AND at character {pos + 1} has nothing after it")
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes), implicit=implicit)

    def unary(self):
        kind, _, pos = self.peek()
        if kind in ("NOT", "MINUS"):
            self.take()
            if self.peek()[0] in (None, "RP", "OR", "AND"):
                raise QuerySyntaxError(f"NOT at character {pos + 1} has nothing after it")
            self.nested(pos)
            node = Not(self.unary())
            self.depth -= 1
            return node
        if kind == "PLUS":
            self.take()
            if self.peek()[0] in (None, "RP", "OR", "AND"):
                raise QuerySyntaxError(f"+ at character {pos + 1} has nothing after it")
            node = self.unary()
            return replace(node, must=True) if isinstance(node, Word) else node
        return self.primary()

    def primary(self):
        kind, value, pos = self.take()
        if kind == "LP":
            if self.peek()[0] == "RP":
                raise QuerySyntaxError(f"the parentheses at character {pos + 1} are empty")
            self.nested(pos)
            node = self.or_expr()
            if self.take()[0] != "RP":
                raise QuerySyntaxError(f"the '(' at character {pos + 1} is never closed")
            self.depth -= 1
            return node
        if kind == "PHRASE":
            return Phrase(value) if value.strip() else self._empty(pos)
        if kind == "FIELD":
            return self.field_value(value, pos)
        if kind == "WORD":
            return _word(value, None, pos)
        if kind == "RANGE":
            raise QuerySyntaxError(
                f"a date range at character {pos + 1} needs published: before it"
            )
        raise QuerySyntaxError(f"unexpected {value!r} at character {(pos or 0) + 1}")

    def _empty(self, pos):
        raise QuerySyntaxError(f"the quotes at character {pos + 1} are empty")

    def field_value(self, name, pos):
        kind, value, vpos = self.take()
        if name == "published":
            if kind == "RANGE":
                start, sep, end = value.partition(" TO ")
                if not sep:
                    raise QuerySyntaxError(
                        f"the range at character {vpos + 1} needs the form [FROM TO UNTIL]"
                    )
                return DateRange(parse_date(start.strip()), parse_date(end.strip(), end=True))
            if kind == "WORD":
                return DateRange(parse_date(value), parse_date(value, end=True))
            raise QuerySyntaxError(f"published: at character {pos + 1} needs a date or a range")
        if kind == "PHRASE" and value.strip():
            return Phrase(value, name)
        if kind == "WORD":
            return _word(value, name, vpos)
        raise QuerySyntaxError(f'{name}: at character {pos + 1} needs a word or a "phrase"')


def _word(value: str, field_name: str | None, pos: int) -> Word:
    fuzzy = 0
    match = re.match(r"^(.*?)~(\d?)$", value)
    if match and match.group(1):
        value, fuzzy = match.group(1), min(int(match.group(2) or 1), 2) or 1
    prefix = value.endswith("*") and len(value) > 1
    if prefix:
        value = value.rstrip("*")
        if len(fold(value)) < MIN_PREFIX:
            raise QuerySyntaxError(
                f"{value}* at character {pos + 1} is too short a prefix "
                f"(type at least {MIN_PREFIX} letters)"
            )
    if "*" in value:  # a question mark is punctuation ("titles?"), never a wildcard
        raise QuerySyntaxError(f"{value!r} at character {pos + 1}: '*' works only at a word's end")
    if not analyze(value, stem=False):
        raise QuerySyntaxError(f"{value!r} at character {pos + 1} has no letters or digits")
    return Word(value, field_name, prefix, fuzzy)


def _literal(text: str) -> object | None:
    words = [w for w in re.findall(r"[^\s\"()\[\]{}*~:]+", text) if analyze(w, stem=False)]
    words = [w.lstrip("-+") for w in words if w not in ("AND", "OR", "NOT")]
    nodes = tuple(Word(w) for w in words if w)
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(nodes, implicit=True)


def parse_query(text: str) -> ParsedQuery:
    """The tree of ``text``; on a syntax error, its words searched literally. What the
    words mean (names, questions) is read from it by ``search.question.read``."""
    text = printable(text or "").strip()
    errors, notes = [], []
    if len(text) > MAX_QUERY_CHARS:
        notes.append(
            f"The query is longer than {MAX_QUERY_CHARS} characters: "
            f"only the first {MAX_QUERY_CHARS} were searched."
        )
        text = text[:MAX_QUERY_CHARS]
    if not text:
        return ParsedQuery(None, errors, notes)
    try:
        node = _Parser(_lex(text)).parse()
    except QuerySyntaxError as error:
        node = _literal(text)
        if node is None:  # searching no words would list every article
            shown = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
            why = "" if str(error).startswith("nothing to search") else f": {error}"
            errors.append(f"There is nothing to search for in “{shown}”{why}.")
            return ParsedQuery(None, errors, notes)
        errors.append(f"Not understood: {error}. The words were searched literally.")
    # A pasted question keeps more words here: its most informative ones are chosen
    # once the engine's word counts are known (``search.question.best_match``).
    node, dropped = _cap_clauses(node, [MAX_QUESTION_WORDS if is_question(node) else MAX_CLAUSES])
    if dropped:
        notes.append(f"The query has more than {MAX_CLAUSES} terms: {dropped} were left out.")
    budget = [MAX_FUZZY]
    node = _cap_fuzzy(node, budget)
    if budget[0] < 0:
        notes.append(
            f"The query has more than {MAX_FUZZY} fuzzy words (~): "
            f"{-budget[0]} were searched as typed."
        )
    return ParsedQuery(node, errors, notes)


def nothing_to_search(text: str) -> ParsedQuery | None:
    """``text`` parsed when it has no words to search (brackets, quotes or operators
    alone), else None. Such a query finds nothing: read as no query, it would list
    every article."""
    parsed = parse_query(text)
    return parsed if parsed.node is None and parsed.errors else None


def plain(node) -> bool:
    """A word as typed, without field, prefix, fuzziness or a + in front."""
    return (
        isinstance(node, Word)
        and node.field is None
        and not node.prefix
        and not node.fuzzy
        and not node.must
    )


def explicit(node) -> bool:
    """Whether a parsed query says how to match: quotes, a field, ``-word``, ``+word``,
    ``*``, ``~``, an operator or a date range. Such a query stays keyword-strict in every
    search mode (``search.hybrid``)."""
    if node is None:
        return False
    if isinstance(node, Word):
        return not plain(node)
    if isinstance(node, And):
        return not node.implicit or any(explicit(child) for child in node.nodes)
    return True


def common(text: str) -> bool:
    """A common word as typed, punctuation aside ("The", "but,", "what?")."""
    terms = analyze(text, stem=False)
    return bool(terms) and all(term in STOP_WORDS for term in terms)


def is_question(node) -> bool:
    """Plain words side by side, enough of them to be read as a question."""
    if not (isinstance(node, And) and node.implicit):
        return False
    words = [c for c in node.nodes if plain(c) and not common(c.text)]
    return len(words) >= MIN_QUESTION


def _cap_fuzzy(node, budget: list[int]):
    """The tree with words~ past the first MAX_FUZZY made exact (budget goes negative)."""

    def cap(word: Word) -> Word:
        if not word.fuzzy:
            return word
        budget[0] -= 1
        return replace(word, fuzzy=0) if budget[0] < 0 else word

    return map_words(node, cap)


def _cap_clauses(node, budget=None):
    """Keep at most MAX_CLAUSES leaves; returns (node, how many were dropped)."""
    budget = [MAX_CLAUSES] if budget is None else budget
    if isinstance(node, And | Or):
        kept, dropped = [], 0
        for child in node.nodes:
            if budget[0] <= 0:
                dropped += _leaves(child)
                continue
            child, d = _cap_clauses(child, budget)
            dropped += d
            if child is not None:
                kept.append(child)
        if not kept:
            return None, dropped
        rebuilt = (
            type(node)(tuple(kept), node.implicit) if isinstance(node, And) else Or(tuple(kept))
        )
        return (kept[0] if len(kept) == 1 else rebuilt), dropped
    if isinstance(node, Not):
        child, dropped = _cap_clauses(node.node, budget)
        return (Not(child) if child is not None else None), dropped
    if node is not None:
        budget[0] -= 1
    return node, 0


def _leaves(node) -> int:
    if isinstance(node, And | Or):
        return sum(_leaves(c) for c in node.nodes)
    if isinstance(node, Not):
        return _leaves(node.node)
    return 1
