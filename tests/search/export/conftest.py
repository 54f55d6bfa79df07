"""Articles whose titles a CSV must quote, in a fresh index of the backend under test."""

import datetime as dt

import pytest

from tests.factories import make_article, make_author, make_outlet, make_tag

# Commas, quotes, a line break, non-ASCII: each a way to break a naive CSV.
AWKWARD_TITLES = [
    'Harvest "record", says ministry',
    "Harvest, coffee and cocoa: a review",
    "Harvest report\nsecond line of the title",
    "Ernte in München: Kaffee für Brasília",
    "Récolte à São Paulo — 収穫",
]


@pytest.fixture
def harvest(search_backend):
    """30 articles about a harvest (repeated a varying number of times, on varying dates)
    and 5 about something else, indexed; returns {"outlet", "tag", "articles"}."""
    wire = make_outlet("Farm Wire")
    other = make_outlet("City Paper")
    coffee = make_tag("Coffee", kind="topic")
    author = make_author("Ana Lima")
    articles = []
    for n in range(30):
        title = AWKWARD_TITLES[n] if n < len(AWKWARD_TITLES) else f"Harvest note {n}"
        article = make_article(
            title=title,
            body=" ".join(["The harvest came in."] * (1 + n % 4)) + f" Field {n}, season {n}.",
            outlet=wire if n % 3 else other,
            published=None if n == 7 else dt.date(2000 + n % 5, 1 + n % 12, 1 + n),
            language="en",
        )
        if n % 2:
            article.tags.add(coffee)
        article.author_links.create(author=author, position=0)
        articles.append(article)
    for n in range(5):
        make_article(
            title=f"Parliament sits {n}", body=f"The parliament sat again ({n}).", outlet=other
        )
    index_all()
    return {"outlet": wire, "tag": coffee, "articles": articles}


def index_all():
    from search.documents import articles_for_index
    from search.maintenance import index_catch_up
    from search.service import get_backend

    index_catch_up()
    get_backend().index(articles_for_index())
