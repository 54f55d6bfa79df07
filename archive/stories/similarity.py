"""How alike two write-ups are: TF-IDF cosine over their words and their people, places
and organisations, weighed down by the days between them.

Document frequencies come from the articles of the date window being grouped (the
window's originals, ``window.Window``), not from the whole archive: an import reads only
the days it touches. Their IDF is smoothed so that a thin window (five seed articles)
weighs all content words about alike instead of zeroing every shared one, while a dense
one (Reuters: a few hundred a day) makes "net", "shr" and "qtr" count for little and the
company's name for much.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import Stemmer

from archive.ingest.normalize import words

# Days apart two write-ups of one event may be: the candidates' window, each side.
WINDOW_DAYS = 3
# Each day between two articles takes this share off their similarity.
DECAY_PER_DAY = 0.2
# A person, place or organisation tag counts as a word said this many times.
TAG_WEIGHT = 3
# Pseudo-documents added to every frequency count: how fast a thin window's weights
# tend to uniform (see the module's docstring).
SMOOTHING = 10
TITLE_REPEAT = 1  # (counting a title twice measured worse)

_STOP_TEXT = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our out
    over own same she should so some such than that the their them then there these they
    this those through to too under until up very was we were what when where which while
    who whom why will with would you your said says say told year years new one two three
    mln pct cts dlrs"""
_STOP = frozenset(_STOP_TEXT.split())
_NUMBER = re.compile(r"^\d[\d.,]*$")
# Figures as written ("2,685,142", "7.75"): two reports of one event give the same ones,
# two reports from one template (results, bond issues, hog markets) different ones.
_FIGURE = re.compile(r"\d+(?:[.,/-]\d+)+|\d{3,}")
KEEP_FIGURES = True
_stemmer = Stemmer.Stemmer("english")


def terms(title: str, body: str, tag_ids: list[int]) -> Counter:
    """The counted terms of an article: stemmed content words (no stop words, no bare
    numbers, the title's repeated) and ``@<tag id>`` for each entity tag."""
    tokens = [*words(title) * TITLE_REPEAT, *words(body)]
    kept = [t for t in tokens if len(t) > 1 and t not in _STOP and not _NUMBER.match(t)]
    counts = Counter(_stemmer.stemWords(kept))
    if KEEP_FIGURES:
        counts.update(_FIGURE.findall(f"{title}\n{body}"))
    for tag_id in tag_ids if TAG_WEIGHT else ():
        counts[f"@{tag_id}"] = TAG_WEIGHT
    return counts


@dataclass
class Profile:
    """An original article as grouping sees it (its copies follow it)."""

    id: int
    published: date
    tf: dict[str, float]
    story_id: int | None = None
    curated: bool = False  # its story was split or merged by a curator
    tags: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, id, published, title, body, tag_ids, story_id=None, curated=False):
        counts = terms(title, body, tag_ids)
        tf = {term: 1 + math.log(n) for term, n in counts.items()}
        return cls(id, published, tf, story_id, curated, frozenset(tag_ids))


class Frequencies:
    """Document frequencies of terms over a set of profiles, kept as profiles come and go."""

    def __init__(self) -> None:
        self.df: Counter = Counter()
        self.n = 0
        self._idf: dict[str, float] = {}  # until the next add or remove

    def add(self, profile: Profile) -> None:
        self.n += 1
        self.df.update(profile.tf.keys())
        self._idf = {}

    def remove(self, profile: Profile) -> None:
        self.n -= 1
        self.df.subtract(profile.tf.keys())
        self._idf = {}

    def idf(self, term: str) -> float:
        """Probabilistic IDF (as BM25's), none for a term in most of the window; the
        smoothing documents keep a thin window's shared words from counting for nothing."""
        found = self._idf.get(term)
        if found is None:
            df = self.df[term]
            found = max(0.0, math.log((self.n + SMOOTHING - df + 0.5) / (df + 0.5)))
            self._idf[term] = found
        return found


def weights(profile: Profile, freq: Frequencies) -> tuple[dict[str, float], float]:
    """The profile's TF-IDF weights and their norm."""
    w = {term: tf * freq.idf(term) for term, tf in profile.tf.items()}
    return w, math.sqrt(sum(v * v for v in w.values())) or 1.0


def cosine(a: tuple[dict, float], b: tuple[dict, float]) -> float:
    (wa, na), (wb, nb) = a, b
    if len(wa) > len(wb):
        wa, wb = wb, wa
    return sum(v * wb[t] for t, v in wa.items() if t in wb) / (na * nb)


def score(a: Profile, b: Profile, wa: tuple[dict, float], wb: tuple[dict, float]) -> float:
    """Similarity of two write-ups, 0 to 1: cosine, less ``DECAY_PER_DAY`` a day apart."""
    gap = abs((a.published - b.published).days)
    if gap > WINDOW_DAYS:
        return 0.0
    return cosine(wa, wb) * (1 - DECAY_PER_DAY * gap)
