"""The best documents for weighted words (more like this) and for a question with its
feedback words, found with most common words' postings unread, are those (with the
same scores) that scoring every posting finds."""

import random

import numpy as np
import pytest
from whoosh import query as wq

from search.backends.whoosh.backend import WhooshBackend
from search.backends.whoosh.matching import Reading, score_array, term_postings, top_scored
from search.backends.whoosh.maxscore import best_of_words, postings_among
from search.backends.whoosh.postings_cache import PostingsCache
from search.backends.whoosh.ranking import Concept, Scorer
from search.budget import Budget

VOCABULARY = [f"w{n}" for n in range(300)]
ZIPF = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def _bodies(count: int) -> list[str]:
    """Zipf-distributed words (common words over many posting blocks), and groups of
    near copies, whose best matches score far above the rest."""
    randomly = random.Random(11)
    bodies = []
    for n in range(count):
        if n % 40 < 4 and n >= 4:
            bodies.append(bodies[n - 1] + f" w{randomly.randrange(300)}")
            continue
        bodies.append(" ".join(randomly.choices(VOCABULARY, ZIPF, k=randomly.randint(5, 120))))
    return bodies


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Three segments, one with deletions."""
    backend = WhooshBackend(tmp_path_factory.mktemp("maxscore") / "index")
    ix = backend.store.open(backend.store.ensure())
    bodies = _bodies(1200)
    for part in range(3):
        writer = ix.writer()
        for n in range(part * 400, part * 400 + 400):
            writer.add_document(id=str(n), title=f"t{n}", body=bodies[n])
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 1200, 13):
        writer.delete_by_term("id", str(n))
    writer.commit(merge=False)
    with backend._reading():
        searcher = backend.searcher()
        yield searcher, backend.facet_data(searcher)
    backend.close()


def _queries(count: int):
    randomly = random.Random(5)
    for _ in range(count):
        words = randomly.sample(VOCABULARY[:60], 8) + randomly.sample(VOCABULARY[60:], 4)
        yield [(w, round(randomly.uniform(0.2, 1.0), 3)) for w in words]


def _scored_everywhere(searcher, data, words, allowed, limit):
    query = wq.Or([wq.Term("body", w, boost=b) for w, b in words])
    scores = score_array(searcher, query, data, Reading(Budget.unlimited()))
    return top_scored(scores, np.flatnonzero(allowed & (scores > 0)), limit)


@pytest.mark.parametrize("limit", [1, 5, 20])
@pytest.mark.parametrize("kept", [False, True])
def test_the_best_are_those_every_posting_scores_best(index, limit, kept):
    searcher, data = index
    randomly = random.Random(limit)
    process = PostingsCache() if kept else None  # blocks kept from one search to the next
    for words in _queries(15):
        allowed = data.live.copy()
        allowed[randomly.sample(range(data.size), 50)] = False
        reading = Reading(Budget.unlimited(), process)

        found = best_of_words(
            searcher, data, "body", words, allowed=allowed, limit=limit, reading=reading
        )

        assert found == _scored_everywhere(searcher, data, words, allowed, limit)


def test_a_near_copy_leaves_most_common_postings_unread(index):
    searcher, data = index
    reader = searcher.reader()
    words = [("w3", 0.3), ("w1", 0.2), ("w0", 0.2), ("w2", 0.2), ("w250", 1.0), ("w299", 0.9)]
    everything = sum(reader.doc_frequency("body", w) for w, _ in words)
    reading = Reading(Budget.unlimited())

    found = best_of_words(
        searcher, data, "body", words, allowed=data.live, limit=2, reading=reading
    )

    assert found == _scored_everywhere(searcher, data, words, data.live, 2)
    assert reading.budget.spent < everything / 2


def test_words_no_document_has_find_nothing(index):
    searcher, data = index
    reading = Reading(Budget.unlimited())

    assert (
        best_of_words(
            searcher, data, "body", [("absent", 1.0)], allowed=data.live, limit=5, reading=reading
        )
        == []
    )
    assert not np.any(reading.budget.spent)


def _question(randomly) -> list[Concept]:
    """A question's rarer words, then feedback words (common ones among them), as
    ``with_feedback`` lays them out."""
    own = [
        Concept(("title", "body"), (w,), weight=0.1) for w in randomly.sample(VOCABULARY[20:], 3)
    ]
    forms = [tuple(randomly.sample(VOCABULARY[:80], randomly.randint(1, 2))) for _ in range(6)]
    added = [
        Concept(("title", "body"), f, weight=randomly.uniform(0.02, 0.2), feedback=True)
        for f in forms
    ]
    return own + added


@pytest.mark.parametrize("limit", [1, 20])
@pytest.mark.parametrize("kept", [False, True])
def test_a_question_with_feedback_ranks_its_best_as_scoring_everything_does(index, limit, kept):
    searcher, data = index
    randomly = random.Random(limit)
    process = PostingsCache() if kept else None
    for _ in range(15):
        concepts = _question(randomly)
        everywhere = Scorer(searcher, data, Reading(Budget.unlimited())).scores(concepts)
        hits = data.live & (everywhere > 0)
        hits[randomly.sample(range(data.size), 100)] = False
        reading = Reading(Budget.unlimited(), process)

        best = Scorer(searcher, data, reading).best_scores(concepts, hits, limit)

        hit_docs = np.flatnonzero(hits)
        assert top_scored(best, hit_docs, limit) == top_scored(everywhere, hit_docs, limit)


def test_a_question_reads_its_common_feedback_words_only_near_its_best(index):
    searcher, data = index
    own = [Concept(("body",), ("w250",)), Concept(("body",), ("w280",))]
    common = [Concept(("title", "body"), (f"w{n}",), weight=0.1, feedback=True) for n in range(4)]
    reader = searcher.reader()
    everything = sum(reader.doc_frequency("body", c.forms[0]) for c in common)
    reading = Reading(Budget.unlimited())
    scorer = Scorer(searcher, data, reading)
    hits = data.live & (scorer.scores(own) > 0)
    before = reading.budget.spent

    best = scorer.best_scores(own + common, hits, 2)

    assert reading.budget.spent - before < everything / 2
    hit_docs = np.flatnonzero(hits)
    assert top_scored(best, hit_docs, 2) == top_scored(scorer.scores(own + common), hit_docs, 2)


def _holds(reader, field: str, form: str, docnum: int) -> bool:
    """Whether a document has this word in this field, from Whoosh's own postings."""
    if (field, form) not in reader:
        return False
    return docnum in set(reader.postings(field, form).all_ids())


def test_an_explanation_gives_each_concepts_part_of_the_score_where_it_occurs(index):
    """Each concept's part, fields and forms in the explanations of a page are those read
    from its scores over the whole index and from Whoosh's own postings and phrase search:
    hits and misses, forms of one concept in different documents, phrases, added
    (feedback) concepts; the total adds the parts and the nearness bonus, the shares
    divide it; the same read through the process's postings cache."""
    searcher, data = index
    reader = searcher.reader()
    randomly = random.Random(17)
    present = 0
    live = np.flatnonzero(data.live).tolist()
    for run in range(8):
        docnums = randomly.sample(live, 25)
        # A body word and the title word of a sampled document ("t<id>"): one concept
        # in the title alone, in the body alone, in both or absent.
        titles = [f"t{data.columns.ids[d]}" for d in randomly.sample(docnums, 3)]
        concepts = [
            Concept(("title", "body"), (randomly.choice(VOCABULARY[:80]), t), label=f"c{n}")
            for n, t in enumerate(titles)
        ]
        phrase = tuple(randomly.sample(VOCABULARY[:6], 2))
        concepts.append(Concept(("body",), phrase, phrases=(phrase,), label="phrase"))
        concepts.append(
            Concept(
                ("body",),
                (randomly.choice(VOCABULARY[:30]),),
                label="fb",
                weight=0.2,
                feedback=True,
            )
        )
        with_phrase = set(searcher.docs_for_query(wq.Phrase("body", list(phrase))))
        whole = Scorer(searcher, data)
        nearness = {d: randomly.uniform(0.1, 0.5) for d in docnums[:5]}
        page = docnums + docnums[:2]  # in a page's order, not ascending; twice is harmless
        shared = PostingsCache() if run % 2 else None
        reading = Reading(Budget.unlimited(), shared)
        explanations = Scorer(searcher, data, reading).explain(concepts, page, 4, nearness)
        assert len(explanations) == len(page)
        assert explanations[-2:] == explanations[:2]
        for docnum, explained in zip(page, explanations, strict=True):
            parts = {m.term: m for m in explained.matches}
            total = nearness.get(docnum, 0.0)
            for concept in concepts:
                score = float(whole.scores([concept])[docnum])
                holds = [
                    (f, w)
                    for f in concept.fields
                    for w in concept.forms
                    if _holds(reader, f, w, docnum)
                ]
                fields = tuple(dict.fromkeys(f for f, _ in holds))
                if concept.phrases:
                    fields = ("body",) if docnum in with_phrase else ()
                if not fields:
                    assert concept.label not in parts
                    assert (concept.label in explained.missing) == (not concept.feedback)
                    continue
                forms = tuple(w for w in concept.forms if any(w == h for _, h in holds))
                assert parts[concept.label].fields == fields
                assert parts[concept.label].forms == (forms or concept.forms)
                assert parts[concept.label].score == round(score, 4)
                total += score
                present += 1
            assert explained.score == pytest.approx(total, abs=1e-4)
            for match in explained.matches:
                assert match.share == pytest.approx(match.score / explained.score, abs=1e-3)
    assert present > 150  # most checks are of concepts the document has


def test_a_search_pays_once_for_a_list_the_process_has_kept(index):
    """The budget counts the postings a search reads: a word's whole list, read by an
    earlier search and kept by the process, costs this search its length once, however
    often it reads it near candidates."""
    searcher, _data = index
    reader = searcher.reader()
    process = PostingsCache()
    kept = term_postings(reader, "body", "w3")
    process.put(("body", "w3"), kept)
    reading = Reading(Budget.unlimited(), process)

    for start in range(0, 300, 50):
        postings_among(reader, "body", "w3", np.arange(start, start + 50), reading)
    term_postings(reader, "body", "w3", reading)

    assert reading.budget.spent == len(kept[0])
