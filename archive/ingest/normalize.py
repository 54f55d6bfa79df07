"""Text normalisation shared by cleaning, hashing and de-duplication."""

import hashlib
import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def normalize_unicode(text: str) -> str:
    """NFC, unified line ends, no control characters; curly quotes stay as they are."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


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
    return hashlib.sha256(" ".join(words(body)).encode()).hexdigest()
