"""The one-article writer: a savepoint per article, and caches that stay true to the database."""

import pytest

from archive.ingest.draft import ArticleDraft, IngestError, TagRef
from archive.ingest.resolve import Resolver
from archive.ingest.store import article_store
from archive.models import Article
from tests.archive.ingest.test_dedupe import STORY

pytestmark = pytest.mark.django_db

OTHER_STORY = (
    "The city council voted on Tuesday to close the old bridge to lorries from next month, "
    "after engineers found cracks in two of its piers during an inspection in the spring. "
    "Cars and buses may still cross while the repairs are planned, the council said."
)


def _new(**fields) -> ArticleDraft:
    return ArticleDraft(
        body=OTHER_STORY,
        title="Bridge closes to lorries",
        outlet="Riverside Post",
        authors=("Ada Novak",),
        tags=(TagRef("Bridges"),),
        **fields,
    )


def test_a_rolled_back_article_takes_the_outlet_author_and_tag_it_created_along():
    """Rows created inside a failed article's savepoint are rolled back with it; the run's
    caches must forget them too, or the next article would point at rows that are gone."""
    resolver = Resolver()
    article_store(draft=ArticleDraft(body=STORY, title="Rates up"), resolver=resolver)
    # Another process stores an article with this url after the run read what exists.
    Article.objects.create(
        title="Theirs", body="Their text.", content_hash="theirs", url="https://x.example/a"
    )
    with pytest.raises(IngestError, match="conflicts with a stored article"):
        article_store(draft=_new(url="https://x.example/a"), resolver=resolver)

    result = article_store(draft=_new(url="https://x.example/b"), resolver=resolver)

    article = Article.objects.get(pk=result.article.pk)
    assert article.outlet.name == "Riverside Post"
    assert article.author_names == ["Ada Novak"]
    assert [tag.name for tag in article.tags.all()] == ["Bridges"]


def test_an_article_deleted_by_another_process_is_not_taken_for_a_stored_one():
    """The run's caches still name an article another process deleted: the writer starts
    again from the database instead of linking the new one to a row that is gone."""
    resolver = Resolver()
    draft = ArticleDraft(body=STORY, title="Rates up", url="https://x.example/rates")
    first = article_store(draft=draft, resolver=resolver)
    Article.objects.filter(pk=first.article.pk).delete()

    again = article_store(draft=draft, resolver=resolver)

    assert again.outcome == "created"
    assert Article.objects.get(pk=again.article.pk).duplicate_of_id is None
