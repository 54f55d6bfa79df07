"""Scoring answers with ir-measures: unanswered questions count, the product's order is kept."""

import pytest

from search.evaluation.measure import Answer, answers_measure, run_of


def test_an_unanswered_judged_question_counts_as_zero():
    answers = [Answer("1", ["a"], total=1, took_ms=2.0), Answer("2", [], total=0, took_ms=4.0)]

    figures = answers_measure(answers, {"1": {"a": 1}, "2": {"b": 1}}, backend="x", depth=100)

    assert figures.questions == 2
    assert figures.ndcg_10 == pytest.approx(0.5)
    assert figures.map == pytest.approx(0.5)
    assert figures.no_result == 0.5
    assert figures.p50_ms == pytest.approx(3.0)


def test_run_scores_fall_with_rank_so_ties_keep_the_products_order():
    run = run_of([Answer("1", ["z", "a", "m"], total=3, took_ms=1.0)])

    assert sorted(run["1"], key=run["1"].get, reverse=True) == ["z", "a", "m"]


def test_map_reads_only_the_first_depth_answers():
    ranking = [f"n{i}" for i in range(100)] + ["a"]
    answers = [Answer("1", ranking, total=101, took_ms=1.0)]

    deep = answers_measure(answers, {"1": {"a": 1}}, backend="x", depth=1000)
    shallow = answers_measure(answers, {"1": {"a": 1}}, backend="x", depth=100)

    assert deep.map == pytest.approx(1 / 101)
    assert shallow.map == 0.0
