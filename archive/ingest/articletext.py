"""An article's text invariants, with one owner.

- Title and summary: NFC, unified line ends, no control or invisible format characters;
  a title is one line with single spaces.
- Body: the same Unicode normal form (cleaning, ``clean.py``, does more).
- ``content_hash``: SHA-256 of the body's words, so other spacing, case or punctuation
  hash the same. The second document with a text (another external id or url: a
  distinct document of the same story) keeps it salted with its identity.
- ``word_count``: the body's words.

- Caps, so that no single item makes pages, the index or the database work without
  bound (an article with 1,000 authors went past SQLite's expression depth, one with
  20,000 tags slowed every search that listed it): ``MAX_AUTHORS`` names in a byline,
  ``MAX_TAGS`` tags, a title of ``MAX_TITLE_CHARS`` (the first 500, the column, are
  kept), a body of ``MAX_BODY_CHARS`` after cleaning. Ingest refuses the item
  (``over_limits``), the API answers 400.
- Every string storable (``normalize.storable``): lone surrogates replaced, no
  noncharacters; a NUL is refused (``draft.storable_record``).

Every writer goes through here: ingest (``pipeline.prepare`` and the planner), the
admin's article form, the API's update and re-cleaning (``store.article_rebody``).
"""

import hashlib

from archive.ingest.dedupe import signature_of
from archive.ingest.draft import TextMeasures
from archive.ingest.normalize import (
    content_hash,
    normalize_unicode,
    word_count,
    words,
    words_hash,
)
from archive.models import Article

MAX_AUTHORS = 100
MAX_TAGS = 200
MAX_TITLE_CHARS = 1_000
MAX_BODY_CHARS = 2_000_000


def over_limits(*, title: str, body: str, authors: int, tags: int) -> str | None:
    """Why an article is over a cap, for a person; None when it is within them all."""
    counts = (
        (authors, MAX_AUTHORS, "authors", ""),
        (tags, MAX_TAGS, "tags", ""),
        (len(title), MAX_TITLE_CHARS, "characters of title", ""),
        (len(body), MAX_BODY_CHARS, "characters of body", " (after cleaning)"),
    )
    for count, cap, what, note in counts:
        if count > cap:
            return f"{count:,} {what}{note}, over the limit of {cap:,} per article"
    return None


def measure(body: str) -> TextMeasures:
    tokens = words(body)  # split once for the hash and the signature
    return TextMeasures(words_hash(tokens), signature_of(tokens), word_count(body))


def normal_title(title: str) -> str:
    return " ".join(normalize_unicode(title).split())


def normal_summary(summary: str) -> str:
    return normalize_unicode(summary)


def normal_body(body: str) -> str:
    return normalize_unicode(body)


def document_identity(*, external_id: str, url: str) -> str:
    """What makes a document itself when its text is another's: its id, else its url."""
    return f"id:{external_id}" if external_id else f"url:{url}"


def salted_hash(digest: str, identity: str) -> str:
    return hashlib.sha256(f"{digest}\x00{identity}".encode()).hexdigest()


def body_hash(article: Article, body: str) -> str:
    """The content hash an article keeps for a new ``body``: salted with its identity
    when another article already has this text and it is a document of its own (an
    external id or a url); plain otherwise (a conflict the caller reports)."""
    digest = content_hash(body)
    if article.content_hash == digest or not (article.external_id or article.url):
        return digest
    twin = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).exists()
    identity = document_identity(external_id=article.external_id, url=article.url or "")
    return salted_hash(digest, identity) if twin else digest


def article_text_apply(
    article: Article,
    *,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
) -> None:
    """Set the given texts of a stored (or new) article in their normal form; a body
    brings its content hash and word count along. Saving is the caller's."""
    if title is not None:
        article.title = normal_title(title)
    if summary is not None:
        article.summary = normal_summary(summary)
    if body is not None:
        article.body = normal_body(body)
        article.content_hash = body_hash(article, article.body)
        article.word_count = word_count(article.body)
