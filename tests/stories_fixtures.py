"""A story of three write-ups (one a copy) for the page, API and admin tests."""

import datetime as dt

from archive.models import Article
from archive.stories.grouping import stories_group
from tests.factories import make_article, make_outlet, make_tag

DAY = dt.date(2024, 3, 4)
FIRST = (
    "Floodwaters from the Danube reached the old town of Passau on Monday.\n\n"
    "The mayor ordered the evacuation of 4,200 residents from the riverside districts.\n\n"
    "The river gauge stood at 12.85 metres, the highest since the flood of 2013."
)
SECOND = (
    "The mayor ordered the evacuation of 4,200 residents from the riverside districts.\n\n"
    "The river gauge stood at 12.85 metres, the highest since the 2013 flood.\n\n"
    "Residents spent the night in school gyms, and more rain is forecast for Tuesday."
)


def flood_story():
    """Wire's first report, Herald's write-up a day later, and a copy of the first."""
    passau = make_tag("Passau", kind="place")
    first = make_article("Danube floods Passau", FIRST, published=DAY, outlet=make_outlet("Wire"))
    second = make_article(
        "Passau spends the night in gyms",
        SECOND,
        published=DAY + dt.timedelta(days=1),
        outlet=make_outlet("Herald"),
    )
    copy = make_article(
        "Danube floods Passau (copy)",
        FIRST + "\n\nReporting by Wire.",
        published=DAY + dt.timedelta(days=1),
        outlet=make_outlet("Daily Copy"),
    )
    Article.objects.filter(pk=copy.pk).update(duplicate_of=first)
    for article in (first, second):
        article.tags.add(passau)
    stories_group(article_ids=[first.pk, second.pk, copy.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    copy.refresh_from_db()
    assert first.story_id and first.story_id == second.story_id == copy.story_id
    return first.story, first, second, copy
