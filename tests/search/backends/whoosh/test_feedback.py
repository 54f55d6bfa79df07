"""Feedback words (RM3) come from the first hits' texts, without the stems refused."""

from pytest import approx

from search.backends.whoosh.ranking import feedback_words

TEXTS = ["OPEC oil ministers met; oil prices rose.", "Oil output of OPEC fell, prices rose."]


def test_the_words_the_first_hits_share_most_come_first():
    model = feedback_words(TEXTS, [2.0, 1.0])

    assert next(iter(model)) == "oil"
    assert sum(model.values()) == approx(1.0)


def test_a_refused_stem_leaves_its_place_to_the_next():
    model = feedback_words(TEXTS, [2.0, 1.0], keep=lambda stem: stem != "oil")

    assert "oil" not in model
    assert {"opec", "price"} <= set(model)
    assert sum(model.values()) == approx(1.0)
