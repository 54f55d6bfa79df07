"""A page's articles read with a statement compiled once: the models the ORM would make."""

import datetime as dt

import pytest

from archive.models import Article, Story
from search import selectors
from search.compiled import models_with_ids
from tests.factories import make_article, make_outlet

pytestmark = pytest.mark.django_db


def _fields(article: Article) -> dict:
    fields = [f.attname for f in Article._meta.concrete_fields if f.attname != "raw_text"]
    return {name: getattr(article, name) for name in fields}


def test_a_page_of_articles_is_what_the_orm_reads_with_outlet_and_story():
    story = Story.objects.create(title="Rain", first_published=dt.date(1987, 3, 2))
    outlet = make_outlet("Reuters")
    first = make_article(
        "Rain in Paris",
        outlet=outlet,
        story=story,
        published=dt.date(1987, 3, 2),
        published_time=dt.time(9, 30),
        summary="Wet.",
    )
    second = make_article("No story", outlet=outlet)
    third = make_article("Nothing else")

    found = selectors.articles_by_id([third.pk, first.pk, 999_999, second.pk])

    assert sorted(found) == sorted([first.pk, second.pk, third.pk])
    for pk, article in found.items():
        assert _fields(article) == _fields(Article.objects.get(pk=pk))
    assert found[first.pk].outlet.name == "Reuters"
    assert found[first.pk].story.first_published == dt.date(1987, 3, 2)
    assert found[first.pk].created_at.tzinfo is not None
    assert found[second.pk].story is None and found[third.pk].outlet is None
    assert found[first.pk].get_deferred_fields() == {"raw_text"}


def test_the_same_statement_reads_pages_of_any_size(django_assert_num_queries):
    articles = [make_article() for _ in range(5)]
    selectors.articles_by_id([articles[0].pk])  # compiled
    for size in (1, 3, 5):
        with django_assert_num_queries(1):
            found = selectors.articles_by_id([a.pk for a in articles[:size]])
        assert [found[a.pk].title for a in articles[:size]] == [a.title for a in articles[:size]]
    assert selectors.articles_by_id([]) == {}


def test_a_queryset_with_other_parameters_is_refused():
    with pytest.raises(ValueError, match="one list of ids"):
        models_with_ids(
            "by title too",
            lambda ids: Article.objects.filter(pk__in=ids, title="x"),
            [1],
            "default",
        )
