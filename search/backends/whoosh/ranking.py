"""Best-match ranking on a Whoosh index: BM25F over concepts, in numpy.

A *concept* is one thing the person asked for: a word with all its indexed forms
("sanctions" -> sanction, sanctions, sanctioned), a name, a phrase or a prefix. Its
occurrences in every field are added up (the title weighing more) before BM25's
saturation, and its rarity is that of the concept, not of each form, so a word typed
once counts once however many forms it has.
"""

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from whoosh import query as wq

from search.analysis import GAP_CHAR, STOP_WORDS, normalize_word, token_pattern, words
from search.backends.whoosh.columns import FacetData
from search.backends.whoosh.highlight import word_spans
from search.backends.whoosh.matching import match_mask, term_postings
from search.backends.whoosh.maxscore import (
    Part,
    added_up,
    best_candidates,
    bounded,
    found_in,
    postings_among,
)
from search.backends.whoosh.postings import ascending_union
from search.types import NEARNESS, Explanation, TermMatch

K1 = 0.9
# Per field: (weight of one occurrence, length normalisation b).
FIELDS = {"title": (2.5, 0.5), "body": (1.0, 0.75)}
OTHER_FIELD = (1.0, 0.0)  # outlet:, author:, tag: searched by name


@dataclass(frozen=True)
class Concept:
    """One word (all its forms), name, phrase or prefix of the query, in ``fields``."""

    fields: tuple[str, ...]
    forms: tuple[str, ...]  # indexed words (of a phrase: its words)
    phrases: tuple[tuple[str, ...], ...] = ()  # a phrase's words; a name's spellings
    label: str = ""  # how the query reads it, for explanations
    weight: float = 1.0
    # Added by feedback: its rarity is estimated from the term table (``_commonest``),
    # so that its postings need not be read whole to know it.
    feedback: bool = False


class ConceptPart(NamedTuple):
    """A concept's BM25 part where it occurs."""

    docs: np.ndarray  # the documents, ascending
    unit: np.ndarray  # its unweighted score in each
    idf: float


class InDocument(NamedTuple):
    """A concept in one document, as an explanation tells it."""

    score: float  # its weighted part of the document's score
    fields: tuple[str, ...]  # where it occurs there
    forms: tuple[str, ...]  # which of its forms the document has


class Scorer:
    """BM25F scores of concepts over one searcher, postings read once."""

    def __init__(self, searcher, data: FacetData, cache: dict | None = None):
        self.searcher, self.data = searcher, data
        self.reader = searcher.reader()
        self.cache = {} if cache is None else cache
        self.total_docs = max(self.reader.doc_count(), 1)
        self.lengths = {"title": data.columns.title_length, "body": data.columns.body_length}
        self.average = {
            name: max(float(self.reader.field_length(name)) / self.total_docs, 1.0)
            for name in self.lengths
        }

    def _occurrences(self, concept: Concept) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The documents where the concept occurs in some field (ascending), and
        {field: its occurrences in each of them}: arrays as long as its matches, not as
        the index; kept for the search (explanations read them hit after hit)."""
        key = ("occurrences", concept.fields, concept.forms, concept.phrases)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._read_occurrences(concept)
        return found

    def _read_occurrences(self, concept: Concept) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        if concept.phrases:
            masks = {name: self._phrase_mask(name, concept.phrases) for name in concept.fields}
            docs = ascending_union(*(np.flatnonzero(m) for m in masks.values()))
            return docs, {name: m[docs].astype(np.float32) for name, m in masks.items()}
        return self._occurrences_among(concept, None)

    def _phrase_mask(self, fieldname: str, phrases) -> np.ndarray:
        queries = [
            wq.Phrase(fieldname, list(p)) if len(p) > 1 else wq.Term(fieldname, p[0])
            for p in phrases
        ]
        # Ranking only: when the budget cannot check the phrase everywhere, a document
        # with all its words counts (the hits themselves were checked).
        return match_mask(self.searcher, wq.Or(queries), self.data, self.cache, approximate=True)

    def pseudo_tf(self, per_field: dict[str, np.ndarray], docs=None) -> np.ndarray:
        """The fields' occurrences added up, each weighted and length-normalised; of
        every document, or of ``docs`` (``per_field`` then holds theirs)."""
        total = np.zeros(len(next(iter(per_field.values()))), dtype=np.float32)
        for name, tf in per_field.items():
            weight, b = FIELDS.get(name, OTHER_FIELD)
            length = self.lengths.get(name)
            if length is None or not b:
                total += weight * tf
            else:
                length = length if docs is None else length[docs]
                total += weight * tf / (1 - b + b * length / self.average[name])
        return total

    def _idf_of(self, docs: np.ndarray) -> float:
        """The idf of a concept present in these documents (the live ones count)."""
        return self._idf(int(np.count_nonzero(self.data.live[docs])))

    def _idf(self, df: int) -> float:
        return float(np.log(1 + (self.total_docs - df + 0.5) / (df + 0.5)))

    def feedback_idf(self, concept: Concept) -> float:
        return self._idf(self._commonest(concept))

    def _commonest(self, concept: Concept) -> int:
        """Documents with the concept, as the term table tells: in the field where its
        forms are most common, their counts added up (a form rarely shares a document
        with another; taking the commonest form alone measured worse on CISI). Kept for
        the search: the term table is a file read, and explanations ask hit after hit."""
        key = ("commonest", concept.fields, concept.forms)
        if key not in self.cache:
            frequency = self.reader.doc_frequency
            in_field = (sum(frequency(n, form) for form in concept.forms) for n in concept.fields)
            self.cache[key] = min(max(in_field), self.total_docs)
        return self.cache[key]

    def _unit(self, idf: float, tf: np.ndarray) -> np.ndarray:
        return idf * tf * (K1 + 1) / (tf + K1)

    def concept_part(self, concept: Concept) -> ConceptPart:
        """The concept's BM25 part, computed only where it occurs; kept for the search
        (a concept is scored again with another weight after feedback)."""
        key = ("unit", concept.fields, concept.forms, concept.phrases, concept.feedback)
        part = self.cache.get(key)
        if part is None:
            docs, per_field = self._occurrences(concept)
            idf = self.feedback_idf(concept) if concept.feedback else self._idf_of(docs)
            unit = self._unit(idf, self.pseudo_tf(per_field, docs))
            part = self.cache[key] = ConceptPart(docs, unit, idf)
        return part

    def scores(self, concepts: list[Concept]) -> np.ndarray:
        out = np.zeros(self.data.size, dtype=np.float32)
        for concept in concepts:
            docs, unit, _idf = self.concept_part(concept)
            out[docs] += concept.weight * unit  # a concept's documents are distinct
        return out

    def best_scores(
        self,
        concepts: list[Concept],
        allowed: np.ndarray,
        limit: int,
        docs: np.ndarray | None = None,
    ):
        """``scores(concepts)`` where it may put an ``allowed`` document among the
        ``limit`` best, to the last bit; elsewhere a lower score, below those best. The
        feedback concepts (last in ``concepts``) are read rarest first, the common ones
        only in the posting blocks of the documents that may still reach the best
        (``maxscore``)."""
        own = [c for c in concepts if not c.feedback]
        parts = [self._feedback_part(n, c) for n, c in enumerate(concepts[len(own) :])]
        assert all(c.feedback for c in concepts[len(own) :]), "feedback concepts come last"
        out = self.scores(own)
        docs = np.flatnonzero(allowed) if docs is None else docs  # ``allowed``'s numbers
        start = docs, out[docs].astype(np.float64)
        candidates, read = best_candidates(parts, allowed=allowed, limit=limit, start=start)
        out[candidates] = added_up(candidates, parts, read, out[candidates])
        return out

    def _feedback_part(self, number: int, concept: Concept) -> Part:
        """A feedback concept's scores, read everywhere or where candidates may be."""
        commonest = self._commonest(concept)
        idf = self._idf(commonest)

        def read(candidates):
            docs, per_field = self._occurrences_among(concept, candidates)
            return docs, concept.weight * self._unit(idf, self.pseudo_tf(per_field, docs))

        # tf / (tf + K1) stays below 1
        bound = concept.weight * idf * (K1 + 1)
        return bounded((number, concept.forms), commonest, bound, read)

    def _occurrences_among(self, concept: Concept, candidates) -> tuple[np.ndarray, dict]:
        """``_occurrences`` of a concept of words: everywhere, or at least in the posting
        blocks that may hold one of ``candidates``."""
        return _spread(self._postings_of(concept, candidates), concept.fields, self.data.size)

    def _postings_of(self, concept: Concept, candidates) -> dict:
        """{(field, form): (documents, occurrences)} of the concept's forms (``_postings``)."""
        return {
            (name, form): self._postings(name, form, candidates)
            for name in concept.fields
            for form in concept.forms
        }

    def _postings(self, fieldname: str, form: str, candidates) -> tuple[np.ndarray, np.ndarray]:
        """(documents, occurrences) of a form in a field: everywhere, or at least in
        the posting blocks that may hold one of ``candidates``."""
        if candidates is None:
            docs, weights = term_postings(self.reader, fieldname, form, self.cache)
        else:
            docs, weights = postings_among(self.reader, fieldname, form, candidates, self.cache)
        boost = self.searcher.schema[fieldname].format.field_boost or 1.0
        return docs, weights / boost  # the stored weight is tf times the field boost

    def explain(
        self,
        concepts: list[Concept],
        docnums: list[int],
        feedback: int = 0,
        nearness: dict[int, float] | None = None,
    ) -> list[Explanation]:
        """Each concept's part in each of these documents' scores; concepts from
        ``feedback`` on were added by RM3; ``nearness``: {document: the bonus for query
        words close together}."""
        if not docnums:
            return []
        wanted = np.unique(np.asarray(docnums, dtype=np.int64))
        found = [self._in_documents(concept, wanted) for concept in concepts]
        nearness = nearness or {}
        return [
            _explanation(concepts, found, docnum, feedback, nearness.get(docnum, 0.0))
            for docnum in docnums
        ]

    def _in_documents(self, concept: Concept, docnums: np.ndarray) -> dict[int, InDocument]:
        """The concept in those of ``docnums`` (ascending) that have it: from the kept
        part and occurrences; a feedback concept's from its postings near them, as
        ``best_scores`` reads them (its common words are not read whole for this)."""
        postings = self._postings_of(concept, docnums)
        if concept.feedback:
            docs, per_field = _spread(postings, concept.fields, self.data.size)
            unit = self._unit(self.feedback_idf(concept), self.pseudo_tf(per_field, docs))
        else:
            docs, unit, _idf = self.concept_part(concept)
            per_field = self._occurrences(concept)[1]
        where, at = found_in(docs, docnums)
        present = docnums[where]
        scores = concept.weight * unit[at]  # as the scores are computed (float32)
        holding = {form: _holding(postings, concept, form, present) for form in concept.forms}
        found = {}
        for n, (docnum, place) in enumerate(zip(present.tolist(), at.tolist(), strict=True)):
            fields = tuple(name for name, tf in per_field.items() if tf[place] > 0)
            if fields:
                forms = tuple(form for form in concept.forms if docnum in holding[form])
                found[docnum] = InDocument(float(scores[n]), fields, forms)
        return found

    def doc_frequency(self, concept: Concept) -> int:
        docs, _per_field = self._read_occurrences(concept)
        return len(docs)


def _explanation(
    concepts: list[Concept], found: list[dict], docnum: int, feedback: int, nearness: float
) -> Explanation:
    """One document's explanation from each concept's ``_in_documents``."""
    parts, missing = [], []
    for number, (concept, documents) in enumerate(zip(concepts, found, strict=True)):
        added = number >= feedback > 0
        if docnum not in documents:
            if not added:
                missing.append(concept.label)
            continue
        score, fields, forms = documents[docnum]
        parts.append((concept.label, forms or concept.forms, fields, score, added))
    if nearness:
        parts.append((NEARNESS, (), (), nearness, False))
    total = sum(p[3] for p in parts)
    matches = tuple(
        TermMatch(label, forms, fields, round(score, 4), score / total if total else 0.0, added)
        for label, forms, fields, score, added in sorted(parts, key=lambda p: -p[3])
    )
    return Explanation(round(total, 4), matches, tuple(missing))


def _holding(postings: dict, concept: Concept, form: str, docnums: np.ndarray) -> set[int]:
    """Those of ``docnums`` (ascending) with this form in one of the concept's fields,
    from its ``postings`` ({(field, form): (documents, occurrences)})."""
    held = np.zeros(len(docnums), dtype=bool)
    for name in concept.fields:
        docs, occurrences = postings[(name, form)]
        where, at = found_in(docs, docnums)
        held[where] |= occurrences[at] > 0
    return set(docnums[held].tolist())


def _spread(found: dict, fields, size: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """From {(field, form): (documents, occurrences)}: the documents of any of them
    (ascending) and {field: the occurrences of its forms added up in each}. ``size``
    is the index's: each document's place among them is looked up in an array that
    long (a binary search of every posting cost three times as much)."""
    if not found:
        return np.zeros(0, dtype=np.int64), {name: np.zeros(0, np.float32) for name in fields}
    docs = ascending_union(*(d for d, _ in found.values()))
    place = np.empty(size, dtype=np.intp)  # only the places of ``docs`` are written and read
    place[docs] = np.arange(len(docs))
    per_field = {name: np.zeros(len(docs), dtype=np.float32) for name in fields}
    for (name, _form), (form_docs, tf) in found.items():
        per_field[name][place[form_docs]] += tf  # a form's documents are distinct
    return docs, per_field


# Pseudo-relevance feedback (RM3) for questions: the words that the best first hits
# share are added to the question with a part of its weight, then everything is
# scored again. The hits stay those of the question; only their order changes.
FEEDBACK_DOCS = 10
FEEDBACK_TERMS = 10
FEEDBACK_SHARE = 0.5  # of the final query's weight given to the added words


def feedback_words(texts: list[str], weights: list[float]) -> dict[str, float]:
    """{stem: P(stem | relevant)} over the texts of the first hits, each weighted by
    its share of their scores (the relevance model RM1)."""
    total = sum(weights) or 1.0
    model: dict[str, float] = {}
    for text, weight in zip(texts, weights, strict=True):
        stems = [s for e, s in map(normalize_word, words(text)) if _useful(e, s)]
        if not stems:
            continue
        share = weight / total / len(stems)
        for stem in stems:
            model[stem] = model.get(stem, 0.0) + share
    best = sorted(model.items(), key=lambda kv: -kv[1])[:FEEDBACK_TERMS]
    mass = sum(p for _, p in best) or 1.0
    return {stem: p / mass for stem, p in best}


def _useful(exact: str, stem: str) -> bool:
    return len(exact) > 2 and exact.isalpha() and exact not in STOP_WORDS


def with_feedback(concepts: list[Concept], model: dict[str, float], forms_of) -> list[Concept]:
    """The question's concepts and the feedback words (RM3), weights summing to one."""
    total = sum(c.weight for c in concepts) or 1.0
    out = [replace(c, weight=(1 - FEEDBACK_SHARE) * c.weight / total) for c in concepts]
    # (the added words come after the question's own, so an explanation can tell them)
    for stem, probability in model.items():
        forms = tuple(sorted(set(forms_of(stem))))
        if not forms:
            continue
        added = FEEDBACK_SHARE * probability
        same = next((n for n, c in enumerate(out) if set(c.forms) & set(forms)), None)
        if same is None:
            label = f"{stem}*"
            out.append(Concept(("title", "body"), forms, label=label, weight=added, feedback=True))
        else:
            out[same] = replace(out[same], weight=out[same].weight + added)
    return out


# Proximity (after Büttcher's BM25TP): query words that stand close together in an
# article, within PROXIMITY_WINDOW words, add to its score. Positions come from the
# texts of the best first hits only, so the cost is bounded whatever the query. Only
# for short queries ("oil prices", "nuclear test site"): on long questions (CISI) it
# measured worse at every weight tried (nDCG@10 0.406 -> 0.399..0.404).
PROXIMITY_DOCS = 20
PROXIMITY_WINDOW = 5
PROXIMITY_WEIGHT = 0.3
PROXIMITY_MAX_CONCEPTS = 4


def proximity_bonus(
    texts: list[tuple[str, ...]], concepts: list[Concept], idfs: list[float], spans=word_spans
) -> list[float]:
    """A bonus per text (its parts in reading order: title, body) for the query's
    concepts that stand near each other; ``spans`` finds their words (``word_spans``)."""
    if len(concepts) > PROXIMITY_MAX_CONCEPTS:
        return [0.0] * len(texts)
    form_to_concept = {}
    for number, concept in enumerate(concepts):
        if not concept.phrases:
            for form in concept.forms:
                form_to_concept.setdefault(form, number)
    if len({*form_to_concept.values()}) < 2:
        return [0.0] * len(texts)
    weights = [c.weight for c in concepts]
    return [
        _near(_concept_positions(parts, form_to_concept, spans), idfs, weights) for parts in texts
    ]


def _concept_positions(
    parts: tuple[str, ...], form_to_concept: dict[str, int], spans=word_spans
) -> list[tuple[int, int]]:
    """(position, concept) of each word of the text (``parts`` one after the other) that
    is one of the concepts' forms, in reading order; positions count the words with a
    form. Only the matching words are found (as highlights find them), and the words
    between two of them are counted up to PROXIMITY_WINDOW: two further apart than that
    are PROXIMITY_WINDOW + 1 apart here, which nearness reads the same (reading every
    word cost three times)."""
    forms, found = set(form_to_concept), []
    position, since = 0, None  # words since the last match, up to the window (None: no match yet)
    for part in parts:
        pattern, end = token_pattern(part), 0
        for start, stop in spans(part, forms):
            if since is not None:
                since = min(since + _words_between(pattern, part, end, start), PROXIMITY_WINDOW)
            position += 1 + (since or 0)
            found.append((position, form_to_concept[normalize_word(part[start:stop])[0]]))
            since, end = 0, stop
        if since is not None and since < PROXIMITY_WINDOW:
            since = min(since + _words_between(pattern, part, end, len(part)), PROXIMITY_WINDOW)
    return found


def _words_between(pattern, text: str, start: int, end: int) -> int:
    """How many words with a form stand in ``text[start:end]`` (between two words),
    counted up to PROXIMITY_WINDOW."""
    count = 0
    for token in pattern.finditer(text, start, end):
        word = token.group()
        if word != GAP_CHAR and normalize_word(word)[0]:
            count += 1
            if count == PROXIMITY_WINDOW:
                break
    return count


def _near(positions: list[tuple[int, int]], idfs: list[float], weights) -> float:
    """The bonus of one text for its (position, concept) pairs (``_concept_positions``)."""
    accumulated: dict[int, float] = {}
    recent: list[tuple[int, int]] = []  # (position, concept) of the last words that matched
    for position, concept in positions:
        recent = [(p, c) for p, c in recent if position - p <= PROXIMITY_WINDOW]
        for before, other in recent:
            if other != concept:
                closeness = 1.0 / (position - before) ** 2
                accumulated[concept] = accumulated.get(concept, 0.0) + idfs[other] * closeness
                accumulated[other] = accumulated.get(other, 0.0) + idfs[concept] * closeness
        recent.append((position, concept))
    return PROXIMITY_WEIGHT * sum(
        weights[c] * min(1.0, idfs[c]) * acc * (K1 + 1) / (acc + K1)
        for c, acc in accumulated.items()
    )
