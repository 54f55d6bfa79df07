"""The pure steps between a reader and the store."""

from archive.ingest.draft import ArticleDraft
from archive.ingest.normalize import normalize_unicode, normalize_whitespace


def prepare(draft: ArticleDraft) -> ArticleDraft:
    """Clean the body and fill in what the source did not say."""
    body = normalize_whitespace(normalize_unicode(draft.body))
    title = draft.title
    if not title:
        first, _, rest = body.partition("\n")
        title, body = first, rest.strip()
    return draft.replace(body=body, title=title)
