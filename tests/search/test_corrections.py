"""'Did you mean' replaces unknown words by close indexed ones, only when that finds hits."""

from search.corrections import did_you_mean


class Words:
    """A vocabulary of {word: articles}, with the calls it was asked."""

    def __init__(self, **words: int):
        self.words = words
        self.asked: list = []

    def known(self, words: list[str]) -> set[str]:
        self.asked.append(("known", tuple(words)))
        return {w for w in words if w in self.words}

    def nearest(self, word: str, distance: int, prefix: int) -> str | None:
        self.asked.append(("nearest", word, distance, prefix))
        close = [
            w for w in self.words if w[:prefix] == word[:prefix] and _distance(w, word) <= distance
        ]
        return max(close, key=lambda w: (self.words[w], w), default=None)


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def always(_corrected: str) -> bool:
    return True


def test_an_unknown_word_becomes_the_most_common_word_one_mistake_away():
    words = Words(pyongyang=5, summit=3)
    assert did_you_mean("Pyongyng summit", ["Pyongyng", "summit"], words, always) == (
        "Pyongyang summit"
    )
    assert words.asked[0] == ("known", ("pyongyng", "summit"))  # every word at once


def test_long_words_may_have_two_mistakes_short_ones_one():
    assert did_you_mean("governmnet", ["governmnet"], Words(government=2), always) == ("government")
    assert did_you_mean("tallk", ["tallk"], Words(talks=2), always) is None


def test_the_first_letters_are_kept():
    assert did_you_mean("ummit", ["ummit"], Words(summit=2), always) is None


def test_short_numeric_and_known_words_are_left_alone():
    words = Words(summit=1)
    assert did_you_mean("kim 1988 summit", ["kim", "1988", "summit"], words, always) is None
    assert words.asked == [("known", ("summit",))]


def test_no_suggestion_when_the_corrected_query_finds_nothing():
    assert did_you_mean("sumit", ["sumit"], Words(summit=1), lambda _q: False) is None


def test_the_correction_keeps_the_case_it_was_typed_in():
    words = Words(pyongyang=5, kcna=2)
    assert did_you_mean("pyongyng", ["pyongyng"], words, always) == "pyongyang"
    assert did_you_mean("Pyongyng", ["Pyongyng"], words, always) == "Pyongyang"
    assert did_you_mean("PYONGYNG", ["PYONGYNG"], words, always) == "PYONGYANG"
