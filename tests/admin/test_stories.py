"""The admin's stories: the list, split and merge (curated results), and who may."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from archive.models import Article, Story
from archive.stories.grouping import regroup_stories
from tests.admin.helpers import post_action
from tests.stories_fixtures import flood_story

STORIES = "admin:archive_story_changelist"
story_permissions = importlib.import_module("archive.migrations.0057_story_permissions")


@pytest.fixture
def story_groups(groups):
    story_permissions.grant(apps, None)
    return groups


def test_the_story_list_shows_sizes_and_dates_and_searches_titles(story_groups, editor_client):
    _story, *_ = flood_story()
    page = editor_client.get(reverse(STORIES))
    assert page.status_code == 200
    row = page.text[page.text.index('id="result_list"') :]
    assert "Danube floods Passau</a>" in row
    assert '<td class="field-article_count">3</td>' in row and "March 4, 2024" in row
    assert "Danube floods" in editor_client.get(reverse(STORIES) + "?q=danube").text
    assert "Danube floods" not in editor_client.get(reverse(STORIES) + "?q=lyon").text


def test_splitting_moves_the_ticked_articles_with_their_copies_to_a_curated_story(
    story_groups, editor_client
):
    story, first, second, copy = flood_story()
    url = reverse(STORIES)
    page = post_action(editor_client, url, "split_story", [story])
    assert page.status_code == 200 and "Move to a new story" in page.text
    done = post_action(editor_client, url, "split_story", [story], apply="1", articles=[first.pk])
    assert done.status_code == 302
    new = Story.objects.exclude(pk=story.pk).get()
    assert set(new.articles.values_list("pk", flat=True)) == {first.pk, copy.pk}
    assert list(story.articles.values_list("pk", flat=True)) == [second.pk]
    story.refresh_from_db()
    assert story.curated and new.curated and (story.size, new.size) == (1, 2)
    assert story.title == "Passau spends the night in gyms"

    regroup_stories()  # a rebuild leaves the curator's split as it is
    assert Article.objects.get(pk=second.pk).story_id == story.pk
    assert Article.objects.get(pk=first.pk).story_id == new.pk


def test_a_split_must_leave_an_article_behind(story_groups, editor_client):
    story, first, second, _copy = flood_story()
    page = post_action(
        editor_client,
        reverse(STORIES),
        "split_story",
        [story],
        apply="1",
        articles=[first.pk, second.pk],
    )
    assert page.status_code == 200
    assert "Leave at least one article in the story." in page.text
    assert Story.objects.count() == 1


def test_merging_stories_keeps_the_chosen_one_curated(story_groups, editor_client):
    story, _first, _second, _copy = flood_story()
    other = Story.objects.create(title="Rain in Bavaria")
    extra = Article.objects.create(title="Rain", body="Rain.", content_hash="x", story=other)
    url = reverse(STORIES)
    page = post_action(editor_client, url, "merge_stories", [story, other])
    assert "Merge into" in page.text
    done = post_action(
        editor_client, url, "merge_stories", [story, other], apply="1", target=story.pk
    )
    assert done.status_code == 302
    assert list(Story.objects.all()) == [story]
    story.refresh_from_db()
    assert story.curated and story.size == 4
    assert Article.objects.get(pk=extra.pk).story_id == story.pk


def test_readers_may_see_stories_but_not_split_or_merge_them(story_groups, reader_client):
    story, first, *_ = flood_story()
    url = reverse(STORIES)
    assert reader_client.get(url).status_code == 200
    response = post_action(
        reader_client, url, "split_story", [story], apply="1", articles=[first.pk]
    )
    assert Story.objects.count() == 1
    assert response.status_code in (200, 302, 403)
    assert Article.objects.get(pk=first.pk).story_id == story.pk
