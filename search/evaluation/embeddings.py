"""A test collection's embeddings, kept between runs by text hash.

Every run loads the collection into a new throwaway archive, and embedding CISI's 1,460
documents takes a minute or more of CPU; the vectors depend on the text alone, so a
rerun takes them from ``DATA_DIR/evaluation/embeddings-<collection>.pickle`` and embeds
only texts it has not seen (``search.semantic.embed_pending``). Delete the file after
changing the model or how articles are cut into passages.
"""

import pickle
from pathlib import Path

from django.conf import settings

from archive.models import Article
from search.models import ArticleEmbedding
from search.semantic import embed_pending
from search.semantic.passages import article_text, text_hash


def collection_embed(name: str) -> int:
    """Embed the throwaway archive's articles, cached ones from the file; returns how
    many were encoded now."""
    path = Path(settings.DATA_DIR) / "evaluation" / f"embeddings-{name}.pickle"
    cached = pickle.loads(path.read_bytes()) if path.exists() else {}
    ArticleEmbedding.objects.bulk_create(_known(cached), batch_size=500)
    encoded = embed_pending()
    rows = ArticleEmbedding.objects.values_list("text_hash", "vectors", "passages")
    kept = {digest: (bytes(vectors), passages) for digest, vectors, passages in rows}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({**cached, **kept}))
    return encoded


def _known(cached: dict) -> list[ArticleEmbedding]:
    rows = []
    for article in Article.objects.only("pk", "title", "summary", "body"):
        digest = text_hash(article_text(article))
        if digest in cached:
            vectors, passages = cached[digest]
            rows.append(
                ArticleEmbedding(
                    article_id=article.pk, text_hash=digest, vectors=vectors, passages=passages
                )
            )
    return rows
