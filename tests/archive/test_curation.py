"""Curation services: merges and bulk edits keep the data whole and the index in step."""

import pytest

from archive import curation
from archive.models import Article, ArticleAuthor, Author, Outlet, Tag
from search.outbox import outbox_backlog, outbox_drain
from search.service import search
from search.types import SearchRequest
from tests.factories import make_article, make_author, make_outlet, make_tag

pytestmark = pytest.mark.django_db


def _indexed(**request) -> set[int]:
    outbox_drain()
    return {hit.id for hit in search(SearchRequest(page_size=100, **request)).hits}


def test_tags_merge_moves_articles_keeps_spellings_and_deletes_the_others():
    target = make_tag("Oil", aliases=["Crude"])
    petroleum = make_tag("Petroleum", aliases=["crude", "Petrol"])
    a, b = make_article(), make_article()
    a.tags.add(target, petroleum)
    b.tags.add(petroleum)

    moved = curation.tags_merge(target=target, others=[petroleum, target])

    assert moved == 2
    assert list(Tag.objects.all()) == [target]
    target.refresh_from_db()
    assert target.aliases == ["Crude", "Petroleum", "Petrol"]
    assert set(target.articles.all()) == {a, b}
    assert _indexed(tags=("topic:oil",)) == {a.pk, b.pk}


def test_tags_merge_with_nothing_to_merge_changes_nothing():
    tag = make_tag("Oil")
    assert curation.tags_merge(target=tag, others=[tag]) == 0
    assert Tag.objects.count() == 1


def test_outlets_merge_fills_blank_details_and_moves_articles():
    target = make_outlet("Reuters")
    other = make_outlet("Reuters News", domain="reuters.com", country="UK")
    article = make_article(outlet=other)

    assert curation.outlets_merge(target=target, others=[other]) == 1

    target.refresh_from_db()
    assert (target.domain, target.country) == ("reuters.com", "UK")
    assert list(Outlet.objects.all()) == [target]
    assert _indexed(outlets=("reuters",)) == {article.pk}


def test_authors_merge_never_credits_the_same_person_twice():
    target, other = make_author("Lois Lane"), make_author("L. Lane")
    article = make_article()
    ArticleAuthor.objects.create(article=article, author=other, position=0)
    ArticleAuthor.objects.create(article=article, author=target, position=1)

    assert curation.authors_merge(target=target, others=[other]) == 1

    assert article.author_names == ["Lois Lane"]
    assert list(Author.objects.all()) == [target]


def test_add_and_remove_tags_count_only_articles_that_changed():
    tag = make_tag("Oil")
    a, b = make_article(), make_article()
    a.tags.add(tag)
    everything = Article.objects.all()

    first = curation.articles_add_tags(articles=everything, tags=[tag])
    again = curation.articles_add_tags(articles=everything, tags=[tag])
    assert [(r.tag, r.added, r.already) for r in first + again] == [(tag, 1, 1), (tag, 0, 2)]
    assert curation.articles_remove_tags(articles=everything.filter(pk=b.pk), tags=[tag]) == 1
    assert list(tag.articles.all()) == [a]


def test_set_outlet_to_none_clears_it_and_queues_the_articles():
    outlet = make_outlet("Planet")
    a = make_article(outlet=outlet)
    make_article()
    outbox_drain()

    assert curation.articles_set_outlet(articles=Article.objects.all(), outlet=None) == 1

    a.refresh_from_db()
    assert a.outlet is None
    assert _indexed(outlets=("planet",)) == set()


def test_reclean_reports_articles_without_raw_text():
    article = make_article(title="Bare", raw_text="")
    report = curation.articles_reclean(articles=Article.objects.filter(pk=article.pk))
    assert report.done == 0
    assert "Bare" in report.errors[0]


def test_reindex_queues_every_selected_article():
    a, b = make_article(), make_article()
    outbox_drain()
    assert curation.articles_reindex(articles=Article.objects.all()) == 2
    assert outbox_backlog() == 2
    assert _indexed() == {a.pk, b.pk}
