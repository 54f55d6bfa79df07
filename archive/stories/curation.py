"""Curators' corrections of the grouping: split a story, merge stories. The result is
marked ``curated``: regrouping never moves its articles again (``grouping``)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from archive.models import Article, Story
from archive.signals import announce
from archive.stories.grouping import story_refresh


def with_copies(article_ids: Iterable[int]) -> list[int]:
    """The articles and the rest of their copy groups: a copy goes with its original."""
    ids = list(article_ids)
    roots = Article.objects.filter(pk__in=ids).values_list("duplicate_of_id", flat=True)
    roots = {*ids, *(pk for pk in roots if pk)}
    group = Article.objects.filter(Q(pk__in=roots) | Q(duplicate_of_id__in=roots))
    return list(group.values_list("pk", flat=True))


def story_split(*, story: Story, article_ids: Iterable[int]) -> Story:
    """Move these articles of ``story`` (with their copies) to a new story; both are
    curated from now on. Returns the new story."""
    with transaction.atomic():
        chosen = story.articles.filter(pk__in=list(article_ids)).values_list("pk", flat=True)
        moving = with_copies(chosen)
        new = Story.objects.create(curated=True)
        Article.objects.filter(pk__in=moving).update(story=new)
        Story.objects.filter(pk=story.pk).update(curated=True)
        freed = story_refresh(story_ids=[story.pk, new.pk])
    announce([*moving, *freed])
    return new


def stories_merge(*, target: Story, others: Iterable[Story]) -> int:
    """Move the articles of ``others`` into ``target`` (curated from now on) and delete
    the others. Returns how many articles moved."""
    others = [other for other in others if other.pk != target.pk]
    with transaction.atomic():
        moved = list(Article.objects.filter(story__in=others).values_list("pk", flat=True))
        Article.objects.filter(pk__in=moved).update(story=target)
        Story.objects.filter(pk__in=[other.pk for other in others]).delete()
        Story.objects.filter(pk=target.pk).update(curated=True)
        story_refresh(story_ids=[target.pk])
    announce(moved)
    return len(moved)
