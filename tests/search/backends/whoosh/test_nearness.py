"""The nearness bonus reads only the query's words and the few words between them."""

import random
from itertools import pairwise

import pytest

from search.analysis import normalize_word, words
from search.backends.whoosh.ranking import PROXIMITY_WINDOW, _concept_positions, _near


def _every_word_read(text: str, form_to_concept: dict[str, int]) -> list[tuple[int, int]]:
    """(position, concept) as reading every word of the text gives them."""
    forms = [f for f in (normalize_word(w)[0] for w in words(text)) if f]
    return [(n, form_to_concept[f]) for n, f in enumerate(forms, 1) if f in form_to_concept]


# Words with dots, apostrophes, digits, accents and underscores, gaps between values.
TEXT_WORDS = (
    "oil oils Oil OIL prices price rose U.S. u.s. O'Neil's rates rate bank banks' the a of in"
    " and 1,987.5 3.5 Asia's colour color a_oil soil oilseed s.e. naïve café Zürich ∞ — ; , . :"
    " ' \u2029"
)
VOCABULARY = TEXT_WORDS.split(" ")
# All ASCII: the words are found at the places their spellings start, not by a full scan.
ASCII_VOCABULARY = [word for word in VOCABULARY if word.isascii()]
CONCEPTS = [
    {"oil": 0, "oils": 0, "price": 1, "prices": 1},
    {"us": 0, "rate": 1, "rates": 1, "bank": 2, "banks": 2},
    {"oneil": 0, "color": 1, "asia": 2, "cafe": 3},
    {"1987": 0, "5": 1},
]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("vocabulary", [VOCABULARY, ASCII_VOCABULARY], ids=["any", "ascii"])
def test_the_bonus_is_what_reading_every_word_gives(seed, vocabulary):
    """Of a title and a body, read as one text (the title, a new line, the body)."""
    randomly = random.Random(seed)
    title, body = (
        " ".join(randomly.choice(vocabulary) for _ in range(randomly.randint(0, most)))
        for most in (12, 300)
    )
    for form_to_concept in CONCEPTS:
        idfs = [randomly.uniform(0.2, 3) for _ in range(4)]
        weights = [randomly.uniform(0.1, 1) for _ in range(4)]
        expected = _every_word_read(f"{title}\n{body}", form_to_concept)
        found = _concept_positions((title, body), form_to_concept)
        assert [c for _, c in found] == [c for _, c in expected]
        # Each gap between two matches is exact up to the window the bonus reads.
        gaps = [b - a for (a, _), (b, _) in pairwise(found)]
        true = [b - a for (a, _), (b, _) in pairwise(expected)]
        assert [min(g, PROXIMITY_WINDOW + 1) for g in true] == gaps
        assert _near(found, idfs, weights) == _near(expected, idfs, weights)


def test_words_far_apart_add_nothing_and_near_ones_add_more_the_closer():
    forms = {"oil": 0, "prices": 1}
    idfs, weights = [1.0, 1.0], [1.0, 1.0]

    def bonus(text: str) -> float:
        return _near(_concept_positions(("", text), forms), idfs, weights)

    assert bonus("oil " + "word " * PROXIMITY_WINDOW + "prices") == 0.0
    assert 0 < bonus("oil word prices") < bonus("oil prices")
    # A title's last word and the body's first stand next to each other.
    assert _near(_concept_positions(("Oil", "prices"), forms), idfs, weights) == bonus("oil prices")
