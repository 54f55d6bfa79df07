"""Asking the judged questions through the query service and scoring the answers.

The measures are ir-measures' (trec_eval's through pytrec_eval): a judged question
without an answer counts as 0, as ``trec_eval -c`` does.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

import ir_measures
import numpy
from ir_measures import AP, P, R, nDCG

from search.evaluation.collections import Question
from search.service import search
from search.types import MAX_PAGE_SIZE, SearchRequest


@dataclass(frozen=True)
class Answer:
    """The product's ranking for one question: document ids, best first."""

    question: str
    documents: list[str]
    total: int  # how many articles the query service said it found
    took_ms: float  # the first page, as the query service timed its own work


@dataclass(frozen=True)
class Figures:
    """One backend's figures over the questions asked."""

    backend: str
    questions: int
    depth: int
    ndcg_10: float
    map: float  # mean AP over the first ``depth`` answers
    recall_100: float
    p_10: float
    no_result: float  # share of the questions with no answer at all
    p50_ms: float
    p95_ms: float


def question_ask(
    question: Question, *, documents: dict[int, str], depth: int, mode: str = "keyword"
) -> Answer:
    """The first ``depth`` answers to the question typed as it is, page after page, in a
    search ``mode`` (``search.types.MODES``).

    ``documents`` maps article ids to the collection's document ids.
    """
    size = min(MAX_PAGE_SIZE, depth)
    found: list[str] = []
    first = None
    for page in range(1, math.ceil(depth / size) + 1):
        # Relevance is judged per document: nothing is folded.
        request = SearchRequest(
            q=question.text,
            page=page,
            page_size=size,
            facets=(),
            highlight=False,
            collapse="none",
            mode=mode,
        )
        result = search(request)
        first = first or result
        found += [documents[h.id] for h in result.hits if h.id in documents]
        if not result.hits or page * size >= result.total:
            break
    # A document met again on a later page (ties ordered anew) keeps its first rank.
    ranking = list(dict.fromkeys(found))[:depth]
    return Answer(question.id, ranking, first.total, first.took_ms)


def questions_ask(
    questions: Iterable[Question], *, documents: dict[int, str], depth: int, mode: str = "keyword"
) -> list[Answer]:
    """Every question's answer; one untimed search first opens the index (and loads the
    vectors), as a server's is."""
    questions = list(questions)
    if questions:
        question_ask(questions[0], documents=documents, depth=1, mode=mode)
    return [question_ask(q, documents=documents, depth=depth, mode=mode) for q in questions]


def run_of(answers: Iterable[Answer]) -> dict[str, dict[str, float]]:
    """The answers as a run: scores fall with the rank, so an evaluator keeps the product's
    order (trec_eval orders equal scores by document id, not as the product did)."""
    return {
        a.question: {doc: float(len(a.documents) - i) for i, doc in enumerate(a.documents)}
        for a in answers
        if a.documents
    }


def answers_measure(
    answers: list[Answer], judgements: dict[str, dict[str, int]], *, backend: str, depth: int
) -> Figures:
    """The figures of ``answers`` against the judgements of the questions asked."""
    asked = {a.question: judgements.get(a.question, {}) for a in answers}
    measures = [nDCG @ 10, AP @ depth, R @ 100, P @ 10]
    values = ir_measures.calc_aggregate(measures, asked, run_of(answers)) if answers else {}
    took = [a.took_ms for a in answers] or [0.0]
    p50, p95 = numpy.percentile(took, [50, 95])
    return Figures(
        backend=backend,
        questions=len(answers),
        depth=depth,
        ndcg_10=values.get(measures[0], 0.0),
        map=values.get(measures[1], 0.0),
        recall_100=values.get(measures[2], 0.0),
        p_10=values.get(measures[3], 0.0),
        no_result=sum(a.total == 0 for a in answers) / max(len(answers), 1),
        p50_ms=float(p50),
        p95_ms=float(p95),
    )
