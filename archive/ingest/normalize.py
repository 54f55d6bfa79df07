"""Text normalisation shared by cleaning, hashing and de-duplication."""

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


# Control characters (but tab and newline), and invisible format characters: soft
# hyphens, zero-width spaces and joiners, direction marks, byte-order marks.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]"
)


# A lone surrogate (JSON's "\ud800" decodes to one) has no UTF-8 form: no database can
# store it, and Python raises UnicodeEncodeError at the insert. It becomes U+FFFD, as a
# decoder marks bytes it could not read. Noncharacters (U+FDD0-U+FDEF and the last two
# code points of every plane) are for a program's own use, never text: they go.
_SURROGATE = re.compile("[\ud800-\udfff]")
# The BMP's noncharacters, and every code point from the first astral one on (a callback
# keeps the others: a class of all 34 singly is three times slower over a body).
_NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]")
REPLACEMENT = "\ufffd"


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _noncharacter_out(match: re.Match) -> str:
    return "" if _is_noncharacter(match.group()) else match.group()


def storable(text: str) -> str:
    """``text`` with nothing a database cannot store but NUL (which ``draft.storable_record``
    refuses instead): lone surrogates replaced, noncharacters removed. The one rule for
    every string that comes in, whatever its field."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # fast, and fails exactly on a surrogate
    except UnicodeEncodeError:
        text = _SURROGATE.sub(REPLACEMENT, text)
    return _NONCHARACTER.sub(_noncharacter_out, text)


def normalize_unicode(text: str) -> str:
    """NFC, unified line ends, no control characters; curly quotes stay as they are."""
    text = storable(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def is_web_address(url: str) -> bool:
    """An http(s) address with a host, as Django's URLField accepts it, and a port a
    connection can use (1-65535; Python would connect to 99999 as 34463): the only kind
    of address the archive keeps or links (never ``javascript:``, ``data:`` or a bare path)."""
    try:
        _WEB_ADDRESS(url.strip())
        port = urlsplit(url.strip()).port
    except (ValidationError, ValueError):
        return False
    return port != 0


def validate_web_address(value: str) -> None:
    """``is_web_address`` as a validator, for the admin's and the API's url fields."""
    if value and not is_web_address(value):
        raise ValidationError(f"{value[:100]!r} is not an http(s) address.", code="not_http")


def normalize_whitespace(text: str) -> str:
    """Single spaces inside lines, no trailing spaces, at most one blank line in a row."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def words(text: str) -> list[str]:
    """Case-folded words, for hashing, counting and comparing."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def content_hash(body: str) -> str:
    """SHA-256 of the body's words: the same story with other spacing,
    case or punctuation hashes the same."""
    return words_hash(words(body))


def words_hash(tokens: list[str]) -> str:
    """``content_hash`` of a body given as its ``words``."""
    return hashlib.sha256(" ".join(tokens).encode()).hexdigest()
