"""The query tree of ``search.query`` as SQL over facet rows ``d`` and documents ``x``.

Leaves become ``tsquery`` text analysed by PostgreSQL itself (one round trip, cached),
so the query meets the index through the same configuration. The rules follow the
Whoosh translator: a word matches every form of it (stemmed ``doc``); a name
(``Word.name``, see ``search.question``) or phrase matches folded but unstemmed
(``exact``); ``title:`` searches the title's weight, ``outlet:``/``author:``/``tag:``
their own vectors; prefixes and fuzzy words search ``exact``; a question (``Best``)
needs some of its words, counted per article. What the configuration cannot say is
added at query time: each word also searches its other British/American spelling,
and ``US`` also searches the dotted ``U.S.``.
"""

import itertools
import re
from dataclasses import dataclass, field, replace

from search.analysis import american_spelling, analyze, british_spellings, fold
from search.nodes import And, Best, DateRange, Not, Or, Phrase, Synonyms, Word
from search.query import MAX_EXPANSION
from search.question import is_common, need_for

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

_LEXEME = re.compile(r"('(?:[^']|'')*')(:\*)?")
_POSSESSIVE = re.compile(r"(\w)['’]s\b")
_cache: dict[tuple[str, str], str] = {}


def spellings(word: str) -> list[str]:
    """The word, its American spelling, the British ones leading back to it, and the
    dotted or undotted form of an acronym."""
    folded = fold(word)
    american = american_spelling(folded)
    forms = [folded, american, *british_spellings(american)]
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

    def prefetch(self, words) -> None:
        """Analyse the plain words of a query in one round trip (a question has many)."""
        pairs = []
        for word in words:
            text = _POSSESSIVE.sub(r"\1", word.text)
            if word.name:
                forms = _product([spellings(w) for w in text.split()])
                pairs += [(NAME_CONFIG, " ".join(f)) for f in forms] + [(TEXT_CONFIG, text)]
            else:
                pairs += [(TEXT_CONFIG, v) for v in _variants(text)]
        self.analyse(pairs)

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
            node = replace(node, text=_POSSESSIVE.sub(r"\1", node.text))
        if isinstance(node, Word):
            return self.word(node, keep_stops, positive)
        if isinstance(node, Phrase):
            return self.phrase(node.text, node.field, positive)
        if isinstance(node, Best):
            return self.best(node, positive)
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

    def distinct(self, node: Best) -> Best:
        """The question without words that search the same (``titles?`` and ``title``,
        ``organisation`` and ``organization``) or nothing; ``need`` follows."""
        should = {}
        for child in node.should:
            part = self.compile(child)
            if part is not None:
                should.setdefault(part.echo, child)
        need = min(node.need, need_for(len(should)), len(should))
        # how often each was typed: this backend counts repeats itself (questions.py)
        return replace(node, should=tuple(should.values()), need=max(need, 1), typed=())

    def should(self, node: Best, positive: bool = True) -> list[Part]:
        """The question's words that search something, each search once."""
        parts = (self.compile(c, positive=positive) for c in node.should)
        return list({p.echo: p for p in parts if p is not None}.values())

    def best(self, node: Best, positive: bool = True) -> Part | None:
        """At least ``need`` of the question's words, every must, none of must_not."""
        should = self.should(node, positive)
        rest = [self.compile(c, positive=positive) for c in (*node.must, *node.must_not)]
        rest = [p for p in rest if p is not None]
        if not should:
            return self.combine(rest, "AND")
        any_of = self.combine(should, "OR")
        sql, params = any_of.as_sql()
        need = min(node.need, len(should))
        if need > 1:
            count_sql, count_params = self.matched_count(should)
            sql, params = f"({sql}) AND ({count_sql}) >= {need}", params + count_params
        echo = f"AT LEAST {need} OF (" + ", ".join(p.echo for p in should) + ")"
        parts = [Part(sql=sql, params=params, rank=any_of.rank), *rest]
        combined = self.combine(parts, "AND")
        return replace(combined, echo=echo + "".join(f" AND {p.echo}" for p in rest))

    def matched_count(self, should: list[Part]) -> tuple[str, list]:
        """SQL counting how many of the parts an article matches."""
        sqls = [p.as_sql() for p in should]
        return " + ".join(f"({s})::int" for s, _ in sqls), [x for _, ps in sqls for x in ps]

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
        if not keep_stops and is_common(node):
            return None
        if node.name:
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
