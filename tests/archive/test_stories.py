"""Stories: which write-ups join, copies with their originals, curated stories kept,
the seeds' Dalian pair, and an import grouping what it stored."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from archive.ingest.run import ingest_upload
from archive.models import Article, Story
from archive.signals import articles_changed
from archive.stories.grouping import regroup_stories, stories_group
from archive.stories.similarity import Frequencies, Profile, score, weights
from tests.factories import make_article, make_outlet

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 4)
FLOOD = (
    "Floodwaters from the Danube reached the old town of Passau on Monday, and the "
    "mayor ordered the evacuation of 4,200 residents from the riverside districts. "
    "Army engineers stacked sandbags along the Inn promenade while the river gauge "
    "stood at 12.85 metres, the highest since the great flood of 2013."
)
FLOOD_2 = (
    "Passau's mayor evacuated 4,200 people as the Danube rose to 12.85 metres on "
    "Monday. Soldiers and volunteers filled sandbags on the Inn promenade; residents "
    "of the riverside districts spent the night in school gyms. The gauge had not read "
    "so high since the flood of 2013."
)
BUDGET = (
    "The city council of Lyon approved its budget for the coming year after a long "
    "debate over tram lines, school canteens and the price of public swimming pools. "
    "Opposition members walked out before the final vote on property taxes."
)
CONCERT = (
    "A string quartet from Prague opened the spring festival in Salzburg with works by "
    "Janacek and Smetana; critics praised the viola player's solo in the slow movement."
)


def _article(body, *, day=DAY, outlet=None, title=None, **fields):
    return make_article(
        title=title or body.split(",")[0][:60],
        body=body,
        published=day,
        outlet=outlet or make_outlet(),
        **fields,
    )


def _story(article) -> int | None:
    return Article.objects.get(pk=article.pk).story_id


def test_two_write_ups_of_one_event_form_a_story_and_others_stay_out():
    first = _article(FLOOD, title="Danube floods Passau, thousands evacuated")
    second = _article(FLOOD_2, day=DAY + dt.timedelta(days=1), title="Passau evacuates 4,200")
    other = _article(BUDGET)
    concert = _article(CONCERT)
    stories_group(article_ids=[first.pk, second.pk, other.pk, concert.pk])
    story = Story.objects.get()
    assert _story(first) == _story(second) == story.pk
    assert _story(other) is None and _story(concert) is None
    assert story.title == "Danube floods Passau, thousands evacuated"  # the first report
    assert (story.size, story.first_published, story.last_published) == (
        2,
        DAY,
        DAY + dt.timedelta(days=1),
    )


def test_the_same_event_a_week_apart_is_another_story():
    _article(FLOOD)
    later = _article(FLOOD_2, day=DAY + dt.timedelta(days=8))
    stories_group(article_ids=[later.pk])
    assert not Story.objects.exists()


def test_a_copy_is_in_its_originals_story_and_does_not_make_one_alone():
    original = _article(FLOOD)
    copy = _article(FLOOD + " (AFP)", duplicate_of=None)
    Article.objects.filter(pk=copy.pk).update(duplicate_of=original)
    stories_group(article_ids=[original.pk, copy.pk])
    assert not Story.objects.exists()  # one write-up and its copy: no story

    other = _article(FLOOD_2)
    stories_group(article_ids=[other.pk])
    story = Story.objects.get()
    assert {_story(original), _story(copy), _story(other)} == {story.pk}
    assert story.size == 3


def test_a_copy_arriving_later_joins_the_story_of_its_original():
    original, other = _article(FLOOD), _article(FLOOD_2)
    stories_group(article_ids=[original.pk, other.pk])
    copy = _article(FLOOD + " Reporting by AFP.")
    Article.objects.filter(pk=copy.pk).update(duplicate_of=original)
    stories_group(article_ids=[copy.pk])
    assert _story(copy) == _story(original) is not None
    assert Story.objects.get().size == 3


def test_changed_articles_are_announced_to_the_index():
    heard = []

    def listen(sender, ids, **kwargs):
        heard.extend(ids)

    articles_changed.connect(listen)
    try:
        first, second = _article(FLOOD), _article(FLOOD_2)
        stories_group(article_ids=[first.pk, second.pk])
    finally:
        articles_changed.disconnect(listen)
    assert {first.pk, second.pk} <= set(heard)


def test_regrouping_keeps_a_storys_address_and_leaves_curated_stories_alone():
    first, second = _article(FLOOD), _article(FLOOD_2)
    stories_group(article_ids=[first.pk, second.pk])
    story = Story.objects.get()
    curated = Story.objects.create(curated=True)
    budget, concert = _article(BUDGET), _article(CONCERT)
    Article.objects.filter(pk__in=[budget.pk, concert.pk]).update(story=curated)

    assert regroup_stories() == []
    assert _story(first) == _story(second) == story.pk
    assert _story(budget) == _story(concert) == curated.pk


def test_a_new_write_up_joins_a_curated_story_only_when_it_clearly_belongs():
    first, second = _article(FLOOD), _article(FLOOD_2)
    curated = Story.objects.create(curated=True)
    Article.objects.filter(pk__in=[first.pk, second.pk]).update(story=curated)
    third = _article(FLOOD_2 + " More rain is forecast for Tuesday.", title="Passau evacuates")
    vague = _article("Rain is forecast for Bavaria on Tuesday, with rivers high.")
    stories_group(article_ids=[third.pk, vague.pk])
    assert _story(third) == curated.pk
    assert _story(vague) is None


def test_an_import_groups_what_it_stored_once_it_commits(django_capture_on_commit_callbacks):
    lines = [
        {"title": "Danube floods Passau", "body": FLOOD, "published": "2024-03-04"},
        {"title": "Passau evacuates 4,200", "body": FLOOD_2, "published": "2024-03-05"},
        {"title": "Lyon budget passes", "body": BUDGET, "published": "2024-03-04"},
    ]
    data = "\n".join(json.dumps({**line, "outlet": "Wire"}) for line in lines).encode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        batch = ingest_upload("floods.jsonl", data)
    assert batch.created == 3
    assert not Story.objects.exists()  # the import itself does not wait for grouping
    for callback in queued:
        callback()  # the commit: the task runs (immediate backend in tests)
    story = Story.objects.get()
    assert set(story.articles.values_list("title", flat=True)) == {
        "Danube floods Passau",
        "Passau evacuates 4,200",
    }


def test_a_dry_run_makes_no_story():
    lines = [
        {"title": "Danube floods Passau", "body": FLOOD, "published": "2024-03-04"},
        {"title": "Passau evacuates 4,200", "body": FLOOD_2, "published": "2024-03-05"},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    ingest_upload("floods.jsonl", data, dry_run=True)
    assert not Story.objects.exists()


def test_the_seeds_dalian_articles_form_one_story_and_no_other_seed_joins(seeds_dir):
    call_command("load_seeds", dir=seeds_dir, stdout=io.StringIO())
    story = Story.objects.get()
    assert set(story.articles.values_list("outlet__name", flat=True)) == {
        "South China Morning Post",
        "The Korea Herald",
    }
    assert Article.objects.filter(story__isnull=True).count() == 3
    assert (story.size, story.first_published) == (2, dt.date(2018, 5, 9))
    assert "Dalian" in "".join(story.articles.values_list("body", flat=True))

    call_command("load_seeds", dir=seeds_dir, stdout=io.StringIO())  # again
    assert list(Story.objects.values_list("pk", flat=True)) == [story.pk]


def test_shared_people_and_places_raise_the_score():
    a = ("Leader arrives by train", "Talks with the host on trade and the summit.")
    b = ("Visitor leaves by air", "Two days of talks ended, state media reported.")
    freq = Frequencies()
    for tags in ([], [1, 2]):
        pair = [
            Profile.of(id=n, published=DAY, title=t, body=x, tag_ids=tags)
            for n, (t, x) in enumerate((a, b))
        ]
        for profile in pair:
            freq.add(profile)

    def pair_score(tags):
        one, two = (
            Profile.of(id=n, published=DAY, title=t, body=x, tag_ids=tags)
            for n, (t, x) in enumerate((a, b))
        )
        return score(one, two, weights(one, freq), weights(two, freq))

    assert pair_score([1, 2]) > pair_score([]) + 0.2


def test_group_stories_rebuilds_stories_lost_or_never_made():
    first, second = _article(FLOOD), _article(FLOOD_2)  # stored without grouping
    out = io.StringIO()
    call_command("group_stories", stdout=out)
    assert _story(first) == _story(second) is not None
    assert "Stories: 1 (2 articles in them); 2 articles changed story." in out.getvalue()


def test_grouping_an_import_reads_only_the_days_around_it():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for year in range(2000, 2010):
        _article(f"{CONCERT} Year {year}.", day=dt.date(year, 3, 4))
    new = _article(FLOOD)
    with CaptureQueriesContext(connection) as queries:
        stories_group(article_ids=[new.pk])
    reads = [q["sql"] for q in queries.captured_queries if '"body"' in q["sql"]]
    assert reads and all("BETWEEN" in sql for sql in reads)
    assert all("2024-03-01" in sql and "2024-03-07" in sql for sql in reads)
