"""The query tree (``search.query``) as Whoosh queries, with a readable echo.

The index holds unstemmed words. A lower-case word matches every indexed word with
its Snowball stem ("summits" -> summit, summits, summitry...), in the title or the
body; a capitalised word is taken as a name and matches exactly (accent- and
case-folded), so "Jinping" or "Gates" never turn into other words. Phrases match
their words exactly, in order.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from search.analysis import analyze, fold
from search.backends.whoosh.ranking import Concept
from search.budget import Budget
from search.nodes import And, Best, DateRange, Not, Or, Phrase, Synonyms, Word
from search.query import MAX_EXPANSION
from search.question import is_common

TEXT_FIELDS = ("title", "body")
LEXICON_COST = 8  # units of the budget per vocabulary entry read (a posting read is one)


@dataclass(frozen=True)
class BestPlan:
    """A question as Whoosh queries: one per informative word, and the rest (musts,
    must-nots) that every hit satisfies."""

    node: Best
    should: list
    rest: list


@dataclass
class Translation:
    """The Whoosh query, how it reads, and the indexed words to highlight."""

    reader: object
    stem_terms: Callable[[str], list[str]]  # a stem -> the indexed words with that stem
    notes: list[str] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)  # for highlighting
    words: list[str] = field(default_factory=list)  # plain words, for "did you mean"
    concepts: list[Concept] = field(default_factory=list)  # what ranks the hits
    best: "BestPlan | None" = None  # the question, when the query is one
    # Expansions (prefix*, fuzzy~) keep the words whose postings the budget can read.
    budget: Budget = field(default_factory=Budget.unlimited)
    planned: int = 0  # postings the expansions so far will read

    def translate(self, node, *, keep_stops=False, positive=True):
        """(whoosh query or None when nothing is left to search, readable text)."""
        if isinstance(node, Word):
            return self._word(node, keep_stops, positive)
        if isinstance(node, Phrase):
            return self._phrase(node.text, node.field, positive)
        if isinstance(node, Synonyms):
            return self._synonyms(node, positive)
        if isinstance(node, Best):
            return self._best(node)
        if isinstance(node, DateRange):
            start = node.start.toordinal() if node.start else 1
            end = node.end.toordinal() if node.end else None
            return wq.NumericRange("date", start, end), str(node)
        if isinstance(node, Not):
            inner, text = self.translate(node.node, keep_stops=True, positive=False)
            return (wq.Not(inner), f"NOT {text}") if inner is not None else (None, "")
        if isinstance(node, Or):
            parts = [self.translate(c, keep_stops=True, positive=positive) for c in node.nodes]
            return self._or(parts)
        if isinstance(node, And):
            parts = [self.translate(c, positive=positive) for c in node.nodes]
            if all(p[0] is None for p in parts):  # only common words: search them after all
                parts = [self.translate(c, keep_stops=True, positive=positive) for c in node.nodes]
            parts = [p for p in parts if p[0] is not None]
            if not parts:
                return None, ""
            if len(parts) == 1:
                return parts[0]
            return wq.And([p[0] for p in parts]), "(" + " AND ".join(p[1] for p in parts) + ")"
        raise TypeError(f"cannot translate {node!r}")

    def note(self, text: str) -> None:
        if text not in self.notes:  # a relaxed retry translates the words again
            self.notes.append(text)

    def _best(self, node: Best):
        """At least ``need`` of the question's words, with every must and no must_not.
        A word typed twice (or two forms of one) is one word that weighs twice."""
        should: dict[str, object] = {}
        for child, typed in zip(node.should, node.typed or [1] * len(node.should), strict=True):
            before = len(self.concepts)
            query, shown = self.translate(child)
            if query is None:
                continue
            if shown in should:  # another form of a word already there ("use", "using")
                del self.concepts[before:]
                self._weigh(shown, typed)
            else:
                should[shown] = query
                self._weigh(shown, typed - 1)
        rest = [self.translate(c, keep_stops=True) for c in (*node.must, *node.must_not)]
        rest = [p for p in rest if p[0] is not None]
        self.best = BestPlan(node, list(should.values()), [p[0] for p in rest])
        query = wq.Or(list(should.values()), minmatch=node.need)
        text = f"AT LEAST {node.need} OF (" + ", ".join(should) + ")"
        if rest:
            query = wq.And([query, *(p[0] for p in rest)])
            text += " AND " + " AND ".join(p[1] for p in rest)
        return query, text

    def _weigh(self, label: str, more: int) -> None:
        for number, concept in enumerate(self.concepts):
            if more and concept.label == label:
                self.concepts[number] = replace(concept, weight=concept.weight + more)

    def _synonyms(self, node: Synonyms, positive: bool):
        """Any spelling of a name, ranked as one concept (its first spelling's words)."""
        query, shown = self._or(
            [self._phrase(s, None, positive, rank=False) for s in node.spellings]
        )
        if positive and query is not None:
            spellings = {tuple(analyze(s, stem=False)) for s in node.spellings}
            phrases = tuple(sorted(p for p in spellings if p))
            words = tuple(sorted({w for p in phrases for w in p}))
            self.concepts.append(Concept(TEXT_FIELDS, words, phrases=phrases, label=shown))
        return query, shown

    @staticmethod
    def _or(parts):
        unique = {}
        for part in parts:
            if part[0] is not None:
                unique.setdefault(part[1], part)
        parts = list(unique.values())
        if not parts:
            return None, ""
        if len(parts) == 1:
            return parts[0]
        return wq.Or([p[0] for p in parts]), "(" + " OR ".join(p[1] for p in parts) + ")"

    def _word(self, node: Word, keep_stops: bool, positive: bool):
        text = node.text
        fields = (node.field,) if node.field else TEXT_FIELDS
        if node.prefix or node.fuzzy:
            return self._expand(node, fields, positive)
        terms = analyze(text, stem=False)
        if node.field in ("outlet", "author", "tag"):
            return self._exact(fields, terms, positive, label=node.field)
        if not keep_stops and node.field is None and is_common(node):
            return None, ""
        if positive and node.field is None:
            self.words.append(text)
        if node.name or len(terms) != 1:
            return self._exact(fields, terms, positive, label=node.field or "name")
        return self._stemmed(fields, terms[0], positive, label=node.field)

    def _phrase(self, text: str, field_name: str | None, positive: bool, *, rank=True):
        fields = (field_name,) if field_name else TEXT_FIELDS
        terms = analyze(text, stem=False)
        return self._exact(fields, terms, positive, label=field_name or "", rank=rank)

    def _stemmed(self, fields, term: str, positive: bool, label: str | None):
        stem = analyze(term, stem=True)[0]
        forms = sorted(set(self.stem_terms(stem)) | {term})
        if positive:
            self.terms.update(forms)
        query = wq.Or([wq.Term(f, t) for f in fields for t in forms])
        shown = f"{stem}*" if len(forms) > 1 else term
        shown = f"{label}:{shown}" if label else shown
        if positive:
            self.concepts.append(Concept(tuple(fields), tuple(forms), label=shown))
        return query, shown

    def _exact(self, fields, terms: list[str], positive: bool, *, label: str, rank=True):
        if not terms:
            return None, ""
        if positive:
            self.terms.update(terms)
        prefix = f"{label}:" if label else ""
        if len(terms) == 1:
            query = wq.Or([wq.Term(f, terms[0]) for f in fields])
            shown, phrases = f"{prefix}{terms[0]}", ()
        else:
            query = wq.Or([wq.Phrase(f, terms) for f in fields])
            shown, phrases = f'{prefix}"{" ".join(terms)}"', (tuple(terms),)
        if positive and rank:
            concept = Concept(tuple(fields), tuple(terms), phrases=phrases, label=shown)
            self.concepts.append(concept)
        return query, shown

    def _expand(self, node: Word, fields, positive: bool):
        word = fold(node.text).replace("'", "")
        if node.prefix:
            candidates = self._prefix_terms(fields, word)
            shown = f"{word}*"
        else:
            candidates = self._fuzzy_terms(fields, word, node.fuzzy)
            shown = f"{word}~{node.fuzzy}"
        if node.field:
            shown = f"{node.field}:{shown}"
        if positive:
            self.terms.update(candidates)
        if not candidates:
            return wq.NullQuery, f"{shown} (no words)"
        query = wq.Or([wq.Term(f, t) for f in fields for t in candidates])
        if positive:
            self.concepts.append(Concept(tuple(fields), tuple(candidates), label=shown))
        count = len(candidates)
        return query, f"{shown} ({count} word{'s' if count > 1 else ''})"

    def _prefix_terms(self, fields, prefix: str) -> list[str]:
        found: dict[str, int] = {}
        for index_field in fields:
            # Segment by segment: the merged term list costs ten times more per word.
            for leaf, _offset in self.reader.leaf_readers():
                if not self.budget.affords(20 * MAX_EXPANSION * LEXICON_COST):
                    self.note(
                        f"{prefix}* was looked up in part of the vocabulary only, to keep "
                        "the search within its budget."
                    )
                    break
                terms = leaf.iter_prefix(index_field, prefix)
                scanned = 0
                for term, info in itertools.islice(terms, 20 * MAX_EXPANSION):
                    word = term.decode() if isinstance(term, bytes) else term
                    found[word] = found.get(word, 0) + info.doc_frequency()
                    scanned += 1
                self.budget.charge(scanned * LEXICON_COST)
        if len(found) > MAX_EXPANSION:
            self.note(
                f"{prefix}* matches more than {MAX_EXPANSION} words: the {MAX_EXPANSION} most "
                "common were searched; type more letters to narrow it."
            )
            found = dict(sorted(found.items(), key=lambda kv: -kv[1])[:MAX_EXPANSION])
        return self._affordable(f"{prefix}*", found)

    def _affordable(self, shown: str, found: dict[str, int]) -> list[str]:
        """The most common of the expansion's words whose postings (in every field
        searched) the search's budget can still read, estimated from their frequencies."""
        kept = []
        for word, frequency in sorted(found.items(), key=lambda kv: -kv[1]):
            if not self.budget.affords(self.planned + frequency):
                self.note(
                    f"{shown} was searched as {len(kept)} of its {len(found)} words "
                    "to keep the search within its budget."
                )
                break
            self.planned += frequency
            kept.append(word)
        return sorted(kept)

    def _fuzzy_terms(self, fields, word: str, distance: int) -> list[str]:
        """At most MAX_EXPANSION indexed words within ``distance`` edits, the closest first."""
        terms: dict[str, int] = {}
        for index_field in fields:
            # One pass over the words with the same first letter (Whoosh's own
            # terms_within makes one per distance, and a segment's automaton seeks the
            # file for every word); the length rules most out before the distance.
            for scanned, term in enumerate(self.reader.expand_prefix(index_field, word[:1])):
                if scanned % 256 == 0:
                    if not self.budget.affords(256 * LEXICON_COST):
                        self.note(
                            f"{word}~ was compared with part of the words only, to keep "
                            "the search within its budget."
                        )
                        break
                    self.budget.charge(256 * LEXICON_COST)
                text = term.decode() if isinstance(term, bytes) else term
                if abs(len(text) - len(word)) > distance or text in terms:
                    continue
                edits = damerau_levenshtein(text, word, distance)
                if edits <= distance:
                    terms[text] = edits
        if len(terms) > MAX_EXPANSION:
            self.note(f"{word}~ matches more than {MAX_EXPANSION} words; some were left out.")
        return sorted(sorted(terms, key=lambda t: (terms[t], t))[:MAX_EXPANSION])
