"""The query tree of ``search.query`` as SQL over facet rows ``d`` and documents ``x``.

Leaves become ``tsquery`` text analysed by PostgreSQL itself (one round trip, cached),
so the query meets the index through the same configuration. The rules follow the
Whoosh translator: a lower-case word matches every form of it (stemmed ``doc``); a
capitalised word or phrase is a name and matches folded but unstemmed (``exact``);
``title:`` searches the title's weight, ``outlet:``/``author:``/``tag:`` their own
vectors; prefixes and fuzzy words search ``exact``. What the configuration cannot say
is added at query time: each word also searches its other British/American spelling,
and ``US`` also searches the dotted ``U.S.``.
"""

import itertools
import math
import re
from dataclasses import dataclass, field

from search.analysis import STOP_WORDS, american_spelling, analyze, fold
from search.query import MAX_EXPANSION, And, DateRange, Not, Or, Phrase, Synonyms, Word

TEXT_CONFIG = "archive_en"
NAME_CONFIG = "archive_names"
# Field queries match the names in their own small tables, then the ids of the
# article's facet row (``d``); text is matched on the document row (``x``).
NAME_FIELDS = {
    "outlet": "d.outlet_id = ANY(ARRAY(SELECT id FROM archive_outlet"
    " WHERE to_tsvector('archive_names', name || ' ' || slug) @@ %s::tsquery))",
    "author": "d.author_ids && ARRAY(SELECT id FROM archive_author"
    " WHERE to_tsvector('archive_names', name || ' ' || slug) @@ %s::tsquery)",
    "tag": "d.tag_ids && ARRAY(SELECT id FROM archive_tag WHERE to_tsvector('archive_names',"
    " name || ' ' || aliases::text || ' ' || slug) @@ %s::tsquery)",
}
MAX_PHRASE_VARIANTS = 8
FUZZY_EXPANSION = 20

_BRITISH = [
    (re.compile(r"^(\w{3,})ization(s?)$"), r"\1isation\2"),
    (re.compile(r"^(\w{4,})iz(e|ed|es|ing|er|ers)$"), r"\1is\2"),
    (re.compile(r"^(\w{2,})yz(e|ed|es|ing)$"), r"\1ys\2"),
    (re.compile(r"^(\w{3,})or(s|ed|ing|ite|ites|able|ably|ful|less|er|ers)?$"), r"\1our\2"),
    (re.compile(r"^(\w{2,}[fct])ense(s?)$"), r"\1ence\2"),
    (re.compile(r"^(\w{3,})ter(s?)$"), r"\1tre\2"),
]
_LEXEME = re.compile(r"('(?:[^']|'')*')(:\*)?")
_POSSESSIVE = re.compile(r"(\w)['’]s\b")
_cache: dict[tuple[str, str], str] = {}


def _rest(node) -> tuple:
    if isinstance(node, Word):
        return (node.field, node.prefix, node.fuzzy)
    return (node.field,)


def spellings(word: str) -> list[str]:
    """The word, its American spelling, the British ones leading back to it, and the
    dotted or undotted form of an acronym."""
    folded = fold(word)
    american = american_spelling(folded)
    forms = [folded, american]
    for pattern, replacement in _BRITISH:
        british, count = pattern.subn(replacement, american)
        if count and american_spelling(british) == american:
            forms.append(british)
    if folded.isalpha() and (len(folded) == 2 or (word.isupper() and len(word) <= 5)):
        forms.append(".".join(folded) + ".")  # us -> u.s.
    elif re.fullmatch(r"(?:[^\W\d_]\.){2,}", folded):
        forms.append(folded.replace(".", ""))  # u.s. -> us
    return list(dict.fromkeys(forms))


@dataclass
class Part:
    """A condition: a tsquery on one column (mergeable) or plain SQL."""

    column: str | None = None  # "x.doc" or "x.exact" when this is one tsquery
    text: str = ""
    sql: str = ""
    params: list = field(default_factory=list)
    rank: list[str] = field(default_factory=list)  # stemmed tsqueries, for rank + highlight
    echo: str = ""

    def as_sql(self) -> tuple[str, list]:
        if self.column:
            return f"{self.column} @@ %s::tsquery", [self.text]
        return self.sql, self.params


class Compiler:
    def __init__(self, cursor):
        self.cursor = cursor
        self.notes: list[str] = []  # what was cut, for the result's notices

    # -- analysis through PostgreSQL -------------------------------------------------
    def analyse(self, pairs) -> None:
        todo = list({p for p in pairs if p not in _cache})
        if not todo:
            return
        self.cursor.execute(
            "SELECT c, s, phraseto_tsquery(c::regconfig, s)::text "
            "FROM unnest(%s::text[], %s::text[]) AS x(c, s)",
            [[c for c, _ in todo], [s for _, s in todo]],
        )
        if len(_cache) > 100_000:
            _cache.clear()
        for config, text, tsq in self.cursor.fetchall():
            _cache[(config, text)] = tsq

    def tsq(self, config: str, text: str) -> str:
        if (config, text) not in _cache:
            self.analyse([(config, text)])
        return _cache[(config, text)]

    def near_words(self, word: str, distance: int) -> list[str]:
        """At most FUZZY_EXPANSION indexed words within ``distance`` edits, closest first."""
        self.cursor.execute(
            "SELECT word FROM search_pgword WHERE word %% %s AND levenshtein(word, %s) <= %s"
            " ORDER BY levenshtein(word, %s), ndoc DESC, word LIMIT %s",
            [word, word, distance, word, FUZZY_EXPANSION + 1],
        )
        words = [row[0] for row in self.cursor.fetchall()]
        if len(words) > FUZZY_EXPANSION:
            self.notes.append(
                f"{word}~ matches more than {FUZZY_EXPANSION} words; the closest were searched."
            )
        return words[:FUZZY_EXPANSION]

    def prefix_words(self, lexeme: str) -> list[str] | None:
        """The MAX_EXPANSION most common indexed words starting with ``lexeme`` when
        there are more (a bare prefix query would then match without bound), else None."""
        pattern = re.sub(r"([\\%_])", r"\\\1", lexeme) + "%"
        self.cursor.execute(
            "SELECT word FROM search_pgword WHERE word LIKE %s ORDER BY ndoc DESC, word LIMIT %s",
            [pattern, MAX_EXPANSION + 1],
        )
        words = [row[0] for row in self.cursor.fetchall()]
        return words[:MAX_EXPANSION] if len(words) > MAX_EXPANSION else None

    # -- the tree -----------------------------------------------------------------------
    def compile(self, node, *, keep_stops=False, positive=True) -> Part | None:
        if isinstance(node, Word | Phrase):
            node = type(node)(_POSSESSIVE.sub(r"\1", node.text), *_rest(node))
        if isinstance(node, Word):
            return self.word(node, keep_stops, positive)
        if isinstance(node, Phrase):
            return self.phrase(node.text, node.field, positive)
        if isinstance(node, Synonyms):
            parts = [self.phrase(s, None, positive) for s in node.spellings]
            return self.combine(parts, "OR")
        if isinstance(node, DateRange):
            return _date_range(node)
        if isinstance(node, Not):
            inner = self.compile(node.node, keep_stops=True, positive=False)
            if inner is None:
                return None
            if inner.column:
                return Part(inner.column, f"!({inner.text})", echo=f"NOT {inner.echo}")
            return Part(sql=f"NOT ({inner.sql})", params=inner.params, echo=f"NOT {inner.echo}")
        if isinstance(node, Or):
            parts = [self.compile(c, keep_stops=True, positive=positive) for c in node.nodes]
            return self.combine(parts, "OR")
        if isinstance(node, And):
            parts = [self.compile(c, positive=positive) for c in node.nodes]
            if all(p is None for p in parts):  # only common words: search them after all
                parts = [self.compile(c, keep_stops=True, positive=positive) for c in node.nodes]
            return self.combine(parts, "AND")
        raise TypeError(f"cannot compile {node!r}")

    def relaxed(self, node: And) -> Part | None:
        """Most of an implicit AND's words (two thirds) instead of all of them."""
        parts = [p for p in (self.compile(c) for c in node.nodes) if p is not None]
        must_not = [p for p in parts if p.echo.startswith("NOT ")]
        should = [p for p in parts if not p.echo.startswith("NOT ")]
        if len(should) < 3:  # two words that never meet: no results rather than either
            return None
        need = max(1, min(len(should) - 1, math.ceil(len(should) * 2 / 3)))
        any_of = self.combine(should, "OR")
        sqls = [p.as_sql() for p in should]
        count_sql = " + ".join(f"({s})::int" for s, _ in sqls)
        any_sql, any_params = any_of.as_sql()
        part = Part(
            sql=f"({any_sql}) AND ({count_sql}) >= {need}",
            params=any_params + [x for _, ps in sqls for x in ps],
            rank=any_of.rank,
            echo=f"AT LEAST {need} OF (" + ", ".join(p.echo for p in should) + ")",
        )
        return self.combine([part, *must_not], "AND")

    def combine(self, parts: list, op: str) -> Part | None:
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        if op == "OR":  # spellings that read the same are one alternative
            parts = list({p.echo: p for p in reversed(parts)}.values())[::-1]
        if len(parts) == 1:
            return parts[0]
        echo = "(" + f" {op} ".join(p.echo for p in parts) + ")"
        rank = [r for p in parts for r in p.rank]
        columns = {p.column for p in parts}
        if len(columns) == 1 and None not in columns:
            joiner = " & " if op == "AND" else " | "
            text = joiner.join(f"({p.text})" for p in parts)
            return Part(parts[0].column, text, rank=rank, echo=echo)
        sqls = [p.as_sql() for p in parts]
        return Part(
            sql=f" {op} ".join(f"({s})" for s, _ in sqls),
            params=[x for _, ps in sqls for x in ps],
            rank=rank,
            echo=echo,
        )

    def word(self, node: Word, keep_stops: bool, positive: bool) -> Part | None:
        text = node.text
        if node.prefix or node.fuzzy:
            return self.expand(node, positive)
        if node.field in NAME_FIELDS:
            return self.names(node.field, text)
        if node.field == "title":
            return self.stemmed(text, "A", positive, label="title:")
        if not keep_stops and fold(text) in STOP_WORDS and not (text.isupper() and len(text) > 1):
            return None
        if text[:1].isupper():
            return self.exact(text, positive)
        return self.stemmed(text, None, positive)

    def phrase(self, text: str, field_name: str | None, positive: bool) -> Part | None:
        """Phrases match their words exactly (folded, unstemmed), in order."""
        if field_name in NAME_FIELDS:
            return self.names(field_name, text)
        if field_name == "title":
            return self.stemmed(text, "A", positive, label="title:")
        return self.exact(text, positive, label="")

    def stemmed(self, text: str, weight: str | None, positive: bool, label="") -> Part | None:
        variants = _variants(text)
        self.analyse((TEXT_CONFIG, v) for v in variants)
        if not self.tsq(TEXT_CONFIG, variants[0]):
            return None  # stop words only
        forms = dict.fromkeys(f for f in (self.tsq(TEXT_CONFIG, v) for v in variants) if f)
        query = " | ".join(f"({f})" for f in forms)
        if weight:
            query = _weighted(query, weight)
        stems = analyze(text, stem=True)
        shown = f"{stems[0]}*" if len(stems) == 1 else '"' + " ".join(stems) + '"'
        return Part("x.doc", query, rank=[query] if positive else [], echo=f"{label}{shown}")

    def exact(self, text: str, positive: bool, label: str = "name") -> Part | None:
        words = text.split()
        variants = [" ".join(c) for c in _product([spellings(w) for w in words])]
        self.analyse((NAME_CONFIG, v) for v in variants)
        forms = dict.fromkeys(f for f in (self.tsq(NAME_CONFIG, v) for v in variants) if f)
        if not forms:
            return None
        query = " | ".join(f"({f})" for f in forms)
        rank = self.tsq(TEXT_CONFIG, text)
        shown = " ".join(analyze(text, stem=False))
        shown = shown if " " not in shown else f'"{shown}"'
        echo = f"{label}:{shown}" if label else shown
        return Part("x.exact", query, rank=[rank] if positive and rank else [], echo=echo)

    def names(self, field_name: str, text: str) -> Part | None:
        query = self.tsq(NAME_CONFIG, text)
        if not query:
            return None
        shown = " ".join(analyze(text, stem=False))
        shown = shown if " " not in shown else f'"{shown}"'
        return Part(sql=NAME_FIELDS[field_name], params=[query], echo=f"{field_name}:{shown}")

    def capped_prefix(self, node: Word, word: str, words: list[str], positive: bool) -> Part:
        """A prefix searched as its most common words, saying so."""
        self.notes.append(
            f"{word}* matches more than {MAX_EXPANSION} words: the {MAX_EXPANSION} most "
            "common were searched; type more letters to narrow it."
        )
        self.analyse((c, w) for w in words for c in (NAME_CONFIG, TEXT_CONFIG))
        echo = f"{node.field or 'name'}:{word}* ({len(words)} words)"
        rank = _any(self.tsq(TEXT_CONFIG, w) for w in words)
        if node.field == "title":
            query = _weighted(rank, "A")
            return Part("x.doc", query, rank=[query] if positive else [], echo=echo)
        query = _any(self.tsq(NAME_CONFIG, w) for w in words)
        return Part("x.exact", query, rank=[rank] if positive and rank else [], echo=echo)

    def expand(self, node: Word, positive: bool) -> Part | None:
        column = "x.exact"
        word = fold(node.text).replace("'", "")
        if node.prefix:
            stem = self.tsq(NAME_CONFIG, word)
            if not stem or " " in stem:
                return None
            query = _LEXEME.sub(lambda m: f"{m.group(1)}:*", stem)
            echo = f"{node.field or 'name'}:{word}*"
            if node.field in NAME_FIELDS:
                return Part(sql=NAME_FIELDS[node.field], params=[query], echo=echo)
            capped = self.prefix_words(stem.strip("'").replace("''", "'"))
            if capped:
                return self.capped_prefix(node, word, capped, positive)
            if node.field == "title":
                column, query = "x.doc", _LEXEME.sub(lambda m: f"{m.group(1)}:*A", stem)
            return Part(column, query, rank=[query] if positive else [], echo=echo)
        near = self.near_words(word, node.fuzzy)
        echo = f"{node.field or 'name'}:{word}~{node.fuzzy} ({len(near)} words)"
        if node.field in NAME_FIELDS:  # names are few: a fuzzy name is searched as typed
            return self.names(node.field, node.text)
        if not near:
            return Part(sql="FALSE", echo=echo)
        self.analyse((c, w) for w in near for c in (NAME_CONFIG, TEXT_CONFIG))
        query = _any(self.tsq(NAME_CONFIG, w) for w in near)
        rank = _any(self.tsq(TEXT_CONFIG, w) for w in near)
        return Part(column, query, rank=[rank] if positive and rank else [], echo=echo)


def _any(queries) -> str:
    return " | ".join(f"({q})" for q in dict.fromkeys(queries) if q)


def _weighted(query: str, weight: str) -> str:
    return _LEXEME.sub(lambda m: f"{m.group(1)}:{'*' if m.group(2) else ''}{weight}", query)


def _product(options: list[list[str]]) -> list[tuple]:
    return list(itertools.islice(itertools.product(*options), MAX_PHRASE_VARIANTS))


def _variants(text: str) -> list[str]:
    """The text with each word in each of its spellings (a few combinations at most)."""
    words = text.split()
    options = [spellings(w) if w.isalpha() or "." in w else [w] for w in words]
    return [" ".join(c) for c in _product(options)]


def _date_range(node: DateRange) -> Part:
    conditions, params = [], []
    if node.start:
        conditions.append("d.published >= %s")
        params.append(node.start)
    if node.end:
        conditions.append("d.published <= %s")
        params.append(node.end)
    sql = " AND ".join(conditions) or "d.published IS NOT NULL"
    return Part(sql=sql, params=params, echo=str(node))
