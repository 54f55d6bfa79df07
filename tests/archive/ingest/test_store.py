"""The one-article writer: a savepoint per article, and caches that stay true to the database."""

import pytest

from archive.ingest.draft import ArticleDraft, IngestError, TagRef
from archive.ingest.state import RunState
from archive.ingest.store import article_store, match_id
from archive.models import Article, Outlet, Tag
from tests.archive.ingest.test_dedupe import STORY

pytestmark = pytest.mark.django_db

OTHER_STORY = (
    "The city council voted on Tuesday to close the old bridge to lorries from next month, "
    "after engineers found cracks in two of its piers during an inspection in the spring. "
    "Cars and buses may still cross while the repairs are planned, the council said."
)


def _new(**fields) -> ArticleDraft:
    values = {
        "body": OTHER_STORY,
        "title": "Bridge closes to lorries",
        "outlet": "Riverside Post",
        "authors": ("Ada Novak",),
        "tags": (TagRef("Bridges"),),
    }
    return ArticleDraft(**{**values, **fields})


def test_a_rolled_back_article_takes_the_outlet_author_and_tag_it_created_along():
    """Rows created inside a failed article's savepoint are rolled back with it; the run's
    caches must forget them too, or the next article would point at rows that are gone."""
    state = RunState()
    article_store(draft=ArticleDraft(body=STORY, title="Rates up"), state=state)
    # Another process stores, after the run read what exists, an article with this url
    # and another with this text: the draft cannot be both, even read afresh.
    Article.objects.create(
        title="Theirs", body="Their text.", content_hash="theirs", url="https://x.example/a"
    )
    article_store(draft=ArticleDraft(body=OTHER_STORY, title="Same text"), state=RunState())
    with pytest.raises(IngestError, match="conflicts with a stored article"):
        article_store(draft=_new(url="https://x.example/a"), state=state)

    result = article_store(
        draft=_new(url="https://x.example/b", body=STORY + " Later."), state=state
    )

    article = Article.objects.get(pk=result.article.pk)
    assert article.outlet.name == "Riverside Post"
    assert article.author_names == ["Ada Novak"]
    assert [tag.name for tag in article.tags.all()] == ["Bridges"]


def test_an_article_another_process_stored_meanwhile_is_that_article_not_a_failure():
    """Two imports of the same file at once: the item the other one stored after this run
    read what exists is a duplicate here, not "conflicts with a stored article"."""
    state = RunState()
    article_store(draft=ArticleDraft(body=STORY, title="Rates up"), state=state)
    theirs = article_store(draft=_new(url="https://x.example/a"), state=RunState()).article

    again = article_store(draft=_new(url="https://x.example/a"), state=state)

    assert (again.outcome, again.article.pk) == ("duplicate", theirs.pk)
    assert Article.objects.count() == 2


def test_an_article_deleted_by_another_process_is_not_taken_for_a_stored_one():
    """The run's caches still name an article another process deleted: the writer starts
    again from the database instead of linking the new one to a row that is gone."""
    state = RunState()
    draft = ArticleDraft(body=STORY, title="Rates up", url="https://x.example/rates")
    first = article_store(draft=draft, state=state)
    Article.objects.filter(pk=first.article.pk).delete()

    again = article_store(draft=draft, state=state)

    assert again.outcome == "created"
    assert Article.objects.get(pk=again.article.pk).duplicate_of_id is None


def test_looking_a_draft_up_creates_nothing():
    state = RunState()
    draft = ArticleDraft(body=STORY, title="Rates up", outlet="Unknown Wire", external_id="7")

    assert match_id(state, draft, "no-such-hash") is None

    assert not Outlet.objects.exists()


def test_an_outlet_named_but_unknown_matches_no_article_without_an_outlet():
    state = RunState()
    article_store(draft=ArticleDraft(body=STORY, title="Rates up", external_id="7"), state=state)
    draft = ArticleDraft(body=OTHER_STORY, title="Bridge", outlet="Unknown Wire", external_id="7")
    assert match_id(state, draft, "no-such-hash") is None


def test_a_new_byline_replaces_the_stored_one_even_where_a_rule_tags_the_article():
    Tag.objects.create(name="Bridges", match_mode="any", match_pattern="bridge")
    article_store(draft=_new())
    changes = {"authors": ("Ben Okri", "Ada Novak"), "tags": ()}
    result = article_store(draft=_new().replace(**changes))

    assert result.outcome == "updated"
    article = Article.objects.get()
    assert article.author_names == ["Ben Okri", "Ada Novak"]
    assert [tag.name for tag in article.tags.all()] == ["Bridges"]


def test_a_new_byline_alone_queues_the_article_for_the_index():
    from search.models import IndexChange

    stored = article_store(draft=_new(authors=())).article
    IndexChange.objects.all().delete()

    article_store(draft=_new(authors=("Ben Okri",)))

    assert list(IndexChange.objects.values_list("article_id", flat=True)) == [stored.pk]
