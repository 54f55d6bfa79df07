"""The pure steps between a reader and the store, and re-cleaning a stored article."""

from archive.ingest.articletext import normal_summary, normal_title
from archive.ingest.clean import clean_light, layout, paragraphs
from archive.ingest.draft import ArticleDraft, IngestError, storable_record
from archive.ingest.extract import (
    authors_from,
    language_of,
    outlet_hints,
    title_fallback,
    title_from,
)
from archive.ingest.normalize import is_web_address, words


def prepare(draft: ArticleDraft) -> ArticleDraft:
    """Clean the body and fill in what the source did not say; explicit metadata wins.

    First every string is made storable (or the item refused, ``storable_record``), and
    a url must be a web address: what the database or a reader's browser cannot take."""
    draft = storable_record(draft)
    refuse_unsafe_url(draft.url)
    text = clean_light(draft.body)
    draft = _from_scraped(draft, text) if draft.clean == "full" else draft.replace(body=text)
    if not draft.title.strip() and draft.body:
        title = title_fallback(draft.body)
        rest = draft.body.split("\n", 1)
        if rest[0].strip() == title and len(rest) > 1:
            draft = draft.replace(body=rest[1].strip())
        draft = draft.replace(title=title)
    if not draft.language:
        draft = draft.replace(language=language_of(draft.body))
    # Titles and summaries lose control characters too (a feed cannot carry them).
    return draft.replace(title=normal_title(draft.title), summary=normal_summary(draft.summary))


def refuse_unsafe_url(url: str) -> None:
    """IngestError for a url given that is not a web address (see ``is_web_address``)."""
    if url and not is_web_address(url):
        raise IngestError(f"the url {url[:100]!r} is not an http(s) address")


def _from_scraped(draft: ArticleDraft, text: str) -> ArticleDraft:
    found = layout(text)
    body = paragraphs("\n".join(found.core))
    title = draft.title or title_from(found)
    if title and body:
        # The headline often opens the page again right above the first paragraph.
        first, _, rest = body.partition("\n\n")
        if words(first) == words(title):
            body = rest
    return draft.replace(
        body=body,
        title=title,
        authors=draft.authors or authors_from(found),
        outlet_hints=draft.outlet_hints or outlet_hints(text),
    )


def article_reclean(article):
    """Run the current cleaner again over the article's raw text and save the new body.

    Title, authors, tags and dates stay as stored (they may have been curated); the
    body, word count and content hash follow the new cleaning.
    """
    from archive.ingest.readers import redraft
    from archive.ingest.store import article_rebody

    if not article.raw_text:
        raise IngestError("this article has no raw text to clean again")
    draft = prepare(redraft(article.raw_text, source=article.source).replace(title=article.title))
    return article_rebody(article=article, body=draft.body)
