"""Matching indexed articles against saved searches, on every backend."""

import pytest
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult

from archive.alerts.models import AlertMatch, SavedSearch
from search.alerts import alerts_match, saved_params, saved_request
from search.documents import articles_for_index
from search.outbox import outbox_drain
from search.tasks import MATCH_BATCH, alerts_enqueue
from tests.factories import make_article, make_outlet

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("reader", password="pw-long-enough-1")


def follow(user, name="follow", **params):
    return SavedSearch.objects.create(user=user, name=name, params=params)


def indexed(backend, *articles):
    backend.index(
        articles_for_index(type(articles[0]).objects.filter(pk__in=[a.pk for a in articles]))
    )
    return articles


def matched(saved) -> set[int]:
    return set(AlertMatch.objects.filter(saved_search=saved).values_list("article_id", flat=True))


def test_a_saved_search_matches_only_the_new_articles_it_finds(search_backend, user):
    _old, new, other = indexed(
        search_backend,
        make_article("Reactor talks stall"),
        make_article("Reactor talks resume in Geneva"),
        make_article("Fishing quotas agreed"),
    )
    saved = follow(user, q=["reactor"])

    alerts_match(article_ids=[new.pk, other.pk])

    assert matched(saved) == {new.pk}


def test_filters_and_phrases_count_like_on_the_search_page(search_backend, user):
    yonhap, other = make_outlet("Yonhap"), make_outlet("Other Wire")
    a, b, c = indexed(
        search_backend,
        make_article("Kim Jong Un visits Moscow", outlet=yonhap),
        make_article("Kim Jong Un visits Moscow again", outlet=other),
        make_article("Jong visits Kim Un in Moscow", outlet=yonhap),
    )
    by_outlet = follow(user, "outlet", q=["moscow"], outlet=[yonhap.slug])
    phrase = follow(user, "phrase", q=['"kim jong un"'])

    alerts_match(article_ids=[a.pk, b.pk, c.pk])

    assert matched(by_outlet) == {a.pk, c.pk}
    assert matched(phrase) == {a.pk, b.pk}


def test_matching_the_same_articles_again_adds_nothing(search_backend, user):
    (article,) = indexed(search_backend, make_article("Sanctions widened"))
    saved = follow(user, q=["sanctions"])

    first = alerts_match(article_ids=[article.pk])
    again = alerts_match(article_ids=[article.pk])

    assert len(first) == 1 and again == []
    assert AlertMatch.objects.filter(saved_search=saved).count() == 1


def test_a_copy_of_an_alerted_story_is_folded_into_its_first_match(search_backend, user):
    (original,) = indexed(search_backend, make_article("Launch condemned by Seoul"))
    saved = follow(user, q=["launch"])
    alerts_match(article_ids=[original.pk])
    copy, second = indexed(
        search_backend,
        make_article("Launch condemned by Seoul (update)", duplicate_of=original),
        make_article("Launch condemned by Seoul, wire copy", duplicate_of=original),
    )

    alerts_match(article_ids=[copy.pk, second.pk])

    first = AlertMatch.objects.get(saved_search=saved, article=original)
    folded = AlertMatch.objects.filter(saved_search=saved, folded_into=first)
    assert set(folded.values_list("article_id", flat=True)) == {copy.pk, second.pk}


def test_copies_arriving_together_fold_into_the_oldest(search_backend, user):
    original = make_article("Summit date set")
    copy = make_article("Summit date set (wire)", duplicate_of=original)
    indexed(search_backend, original, copy)
    saved = follow(user, q=["summit"])

    alerts_match(article_ids=[copy.pk, original.pk])

    first = AlertMatch.objects.get(saved_search=saved, article=original)
    assert first.folded_into is None
    assert AlertMatch.objects.get(saved_search=saved, article=copy).folded_into == first


def test_a_search_without_words_matches_by_its_filters_alone(search_backend, user):
    yonhap = make_outlet("Yonhap")
    a, b = indexed(search_backend, make_article(outlet=yonhap), make_article())
    saved = follow(user, outlet=[yonhap.slug])

    alerts_match(article_ids=[a.pk, b.pk])

    assert matched(saved) == {a.pk}


def test_more_hits_than_a_page_are_all_matched(search_backend, user):
    articles = indexed(search_backend, *[make_article(f"Tariff note {n}") for n in range(130)])
    saved = follow(user, q=["tariff"])

    alerts_match(article_ids=[a.pk for a in articles])

    assert matched(saved) == {a.pk for a in articles}


def test_saved_params_keep_the_search_not_the_page():
    params = saved_params({"q": ["kim"], "page": ["3"], "size": ["50"], "outlet": ["a", "b"]})

    assert params == {"q": ["kim"], "outlet": ["a", "b"]}
    assert saved_request(params).outlets == ("a", "b")


def test_an_index_drain_matches_what_it_indexed(user, django_capture_on_commit_callbacks):
    saved = follow(user, q=["embargo"])

    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("Embargo lifted")

    assert matched(saved) == {article.pk}


def test_nothing_is_queued_when_no_one_saved_a_search(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_article("Embargo lifted")

    outbox_drain()

    assert DBTaskResult.objects.count() == 0


def test_a_large_import_is_matched_in_bounded_batches(settings, user):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    follow(user, q=["anything"])

    queued = alerts_enqueue(range(1, 2 * MATCH_BATCH + 2))

    assert queued == 3
    sizes = [len(t.args_kwargs["args"][0]) for t in DBTaskResult.objects.all()]
    assert sorted(sizes) == [1, MATCH_BATCH, MATCH_BATCH]


def test_the_web_search_budget_leaves_no_match_out(search_backend, user, settings):
    articles = indexed(
        search_backend,
        *[make_article(f"Crude oil output {n}", f"Crude oil {n}.") for n in range(40)],
    )
    saved = follow(user, q=['"crude oil"'])
    settings.SEARCH_WORK_LIMIT = 1  # a web search would check almost no phrase
    settings.SEARCH_TIME_LIMIT = 0.001

    alerts_match(article_ids=[a.pk for a in articles])

    assert matched(saved) == {a.pk for a in articles}


def test_tag_and_author_filters_match_only_the_articles_that_have_them(search_backend, user):
    from tests.factories import make_author, make_tag

    sanctions, unused = make_tag("Sanctions"), make_tag("Unused")
    author = make_author("Ock Hyun-ju")
    tagged = make_article("Port talks")
    tagged.tags.add(sanctions)
    tagged.authors.add(author)
    plain = make_article("Port talks again")
    indexed(search_backend, tagged, plain)
    by_tag = follow(user, "tag", q=["port"], tag=[f"topic:{sanctions.slug}"])
    by_author = follow(user, "author", author=[author.slug])
    never = follow(user, "never", q=["port"], tag=[f"topic:{unused.slug}"])

    alerts_match(article_ids=[tagged.pk, plain.pk])

    assert matched(by_tag) == {tagged.pk}
    assert matched(by_author) == {tagged.pk}
    assert matched(never) == set()


def test_matching_sixty_saved_searches_asks_the_database_a_few_times_not_sixty(
    search_backend, user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    yonhap = make_outlet("Yonhap")
    port = make_article("Port talks", outlet=yonhap)
    articles = indexed(search_backend, port, make_article())
    for n in range(60):
        params = {"q": [f"whales{n}"]} if n % 2 else {"q": [f'"port talks" OR x{n}']}
        follow(user, f"s{n}", outlet=[yonhap.slug], **params)

    with CaptureQueriesContext(connection) as captured:
        alerts_match(article_ids=[a.pk for a in articles])

    assert AlertMatch.objects.filter(article=port).count() == 30
    # Per matching, not per search: the articles, the searches and their names, the
    # words' analysis (PostgreSQL), one statement of the engine, storing and owing.
    assert len(captured.captured_queries) <= 30
