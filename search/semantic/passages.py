"""An article's text as the passages the model reads, and the hash that keys them.

The model reads at most 256 word pieces (about 180 English words) and drops the rest,
so a long article is cut into passages of ``PASSAGE_WORDS`` words; each passage after
the first starts with the title, which says what the passage is about.
"""

import hashlib

PASSAGE_WORDS = 150
# A very long text (a report, a transcript) costs no more than this many passages.
MAX_PASSAGES = 12


def article_text(article) -> str:
    """What is embedded: title, summary and body."""
    return "\n".join(part for part in (article.title, article.summary, article.body) if part)


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def text_passages(title: str, text: str, *, size: int = PASSAGE_WORDS) -> list[str]:
    """``text`` (which starts with ``title``) in passages of about ``size`` words."""
    words = text.split()
    if not words:
        return []
    passages = [" ".join(words[:size])]
    for start in range(size, len(words), size):
        if len(passages) == MAX_PASSAGES:
            break
        passages.append(f"{title}. " + " ".join(words[start : start + size]))
    return passages


def article_passages(article) -> list[str]:
    return text_passages(article.title, article_text(article))
