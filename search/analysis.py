"""Text analysis for news: what a reader expects to match.

One tokenizer turns text into words; each word is normalised once (and cached):

- accents fold (``Nguyễn`` -> ``nguyen``) and case folds;
- possessives strip (``Pyongyang's`` -> ``pyongyang``), other apostrophes vanish;
- dotted acronyms lose their dots (``U.S.`` -> ``us``, equal to ``US`` and ``us``);
- hyphens split words (``Jong-un`` -> ``jong un``), so the three spellings of a
  hyphenated name are one phrase;
- British spellings meet American ones by general suffix rules (``SPELLINGS``: -ise/-ize,
  -isation/-ization, -yse/-yze, -our/-or, -ence/-ense after f, c or t, -tre/-ter);
- each word has an exact form and a Snowball stem (PyStemmer); names keep their
  exact shape ("Jinping" stays "jinping").

Engine-neutral: the Whoosh analyzer built on it is ``search.backends.whoosh.analyzer``.

Stop words are not removed at index time (phrases keep their positions and "us"
is a word in news); the query translator drops common words outside phrases.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

# A gap between values of a multi-valued field: phrases never span it.
VALUE_SEPARATOR = "\u2029"
GAP = 100  # positions skipped at a gap

TOKEN_RE = re.compile(
    r"(?P<gap>\u2029)"
    r"|(?P<acronym>(?:[^\W\d_]\.){2,})"
    r"|(?P<word>[^\W_]+(?:['’][^\W_]+)*)"
)
# The same pattern without groups: ``findall`` returns each token as one string (a gap
# as U+2029), several times faster than reading groups from ``finditer``'s matches.
PLAIN_TOKEN_RE = re.compile(
    TOKEN_RE.pattern.replace("(?P<gap>", "(?:")
    .replace("(?P<acronym>", "(?:")
    .replace("(?P<word>", "(?:")
)
GAP_CHAR = "\u2029"
# The same pattern for text that is all ASCII (most English news): for ASCII characters
# ``\w`` and ``\d`` are the same sets in both modes, so it cuts the same tokens, a fifth
# faster (Python's Unicode classes look each character up).
_ASCII_TOKEN_RE = re.compile(PLAIN_TOKEN_RE.pattern, re.ASCII)


def token_pattern(text: str) -> re.Pattern:
    """``PLAIN_TOKEN_RE``, or its faster ASCII twin when ``text`` is all ASCII."""
    return _ASCII_TOKEN_RE if text.isascii() else PLAIN_TOKEN_RE


# Dropped from queries outside phrases (never from the index). Not "us": news has the US.
_STOP_TEXT = (
    "a an and are as at be but by for from had has have he her his i if in into is it its "
    "of on or she such that the their then there these they this to was were which will with "
    "what when where who whom why how did does do been being than so "
    # function words a question is made of: they say nothing about the answer
    "about above after again all am any because before below between both can could doing "
    "each few further here hers herself him himself itself just me more most my myself no "
    "nor not now off once only other our ours ourselves out over own same should some too "
    "under until up very we whose would you your yours yourself yourselves"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())

# British and American spellings by suffix, one table for both directions:
# (what comes before, British, American, what may follow).
SPELLINGS = (
    (r"\w{3,}", "isation", "ization", "s?"),  # organisation, denuclearisation
    (r"\w{4,}", "is", "iz", "e|ed|es|ing|er|ers"),  # normalise, recognised
    (r"\w{2,}", "ys", "yz", "e|ed|es|ing"),  # analyse, paralysed
    # colour, honourable, labourers, favourite (not four, hour, your)
    (r"\w{3,}", "our", "or", "(?:s|ed|ing|ite|ites|able|ably|ful|less|er|ers)?"),
    (r"\w{2,}[fct]", "ence", "ense", "s?"),  # defence, offences, licence, pretence
    (r"\w{3,}", "tre", "ter", "s?"),  # centre, theatres, metre
)


def _rules(source: int, target: int) -> list[tuple[re.Pattern, str]]:
    return [
        (re.compile(rf"^({row[0]}){row[source]}({row[3]})$"), rf"\g<1>{row[target]}\g<2>")
        for row in SPELLINGS
    ]


_TO_AMERICAN = _rules(1, 2)
_TO_BRITISH = _rules(2, 1)

_stemmer = Stemmer.Stemmer("english")


def fold(text: str) -> str:
    """Case- and accent-folded text: 'Nguyễn Phú Trọng' -> 'nguyen phu trong'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def american_spelling(word: str) -> str:
    """One spelling for British and American variants of a folded word."""
    if len(word) < 6 or not word.isalpha():
        return word
    for pattern, replacement in _TO_AMERICAN:
        new, count = pattern.subn(replacement, word)
        if count:
            return new
    return word


def british_spellings(american: str) -> list[str]:
    """The British spellings of an American one (the same table read backwards): those
    that ``american_spelling`` leads back to it."""
    found = []
    for pattern, replacement in _TO_BRITISH:
        british, count = pattern.subn(replacement, american)
        if count and american_spelling(british) == american:
            found.append(british)
    return found


@lru_cache(maxsize=200_000)
def normalize_word(raw: str) -> tuple[str, str]:
    """(exact form, stemmed form) of one token as the tokenizer found it."""
    word = fold(raw)
    if "." in word:  # a dotted acronym
        word = word.replace(".", "")
    if "'" in word or "’" in word:
        word = re.sub(r"['’]s$", "", word).replace("'", "").replace("’", "")
    if not word:
        return "", ""
    if not word.isalpha():
        return word, word
    word = american_spelling(word)
    return word, _stemmer.stemWord(word)


def stem_map(terms) -> dict[str, list[str]]:
    """{stem: [indexed words with that stem]} for query-time stemming."""
    alphabetic = [t for t in terms if t.isalpha()]
    grouped: dict[str, list[str]] = {}
    for term, stem in zip(alphabetic, _stemmer.stemWords(alphabetic), strict=True):
        grouped.setdefault(stem, []).append(term)
    return grouped


def words(text: str) -> list[str]:
    """The raw words of a text, as the tokenizer cuts them."""
    return [w for w in token_pattern(text).findall(text) if w != GAP_CHAR]


def analyze(text: str, *, stem: bool) -> list[str]:
    """The index terms of ``text``."""
    index = 1 if stem else 0
    return [forms[index] for forms in map(normalize_word, words(text)) if forms[0]]


def term_positions(value: str, *, stem: bool) -> dict[str, list[int]]:
    """{term: [positions]} of ``value``: the indexing fast path (no Token objects)."""
    index = 1 if stem else 0
    positions: dict[str, list[int]] = {}
    pos = 0
    for raw in TOKEN_RE.findall(value):
        if raw[0]:  # a gap between values
            pos += GAP
            continue
        term = normalize_word(raw[1] or raw[2])[index]
        if term:
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
            pos += 1
    return positions
