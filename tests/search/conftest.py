"""Search fixtures: the five seeds loaded and indexed in the test's own index."""

import datetime as dt

import pytest

from search.types import SearchRequest

SEEDS = {
    "bloomberg": "000_79764a032d665d76.txt",
    "scmp": "001_6df1004a2fa38faa.txt",
    "aljazeera": "002_a6b59db096a0dfb3.txt",
    "herald": "003_79228504ccb7102d.txt",
    "joongang": "004_341a0cc8771a145c.txt",
}


@pytest.fixture
def seeded(db):
    """{short name: Article} of the seeds, indexed."""
    from archive.models import Article
    from archive.seeds import seeds_load
    from search.documents import articles_for_index
    from search.service import get_backend

    seeds_load()
    get_backend().index(articles_for_index())
    return {name: Article.objects.get(source=source) for name, source in SEEDS.items()}


@pytest.fixture
def find():
    """find(q, **filters) -> SearchResult through the query service."""
    from search.service import search

    def run(q="", **fields):
        return search(SearchRequest(q=q, **fields))

    return run


def reindex(*articles):
    from search.documents import articles_for_index
    from search.service import get_backend

    get_backend().index(
        articles_for_index(type(articles[0]).objects.filter(pk__in=[a.pk for a in articles]))
    )


def ids_of(result) -> set[int]:
    return {hit.id for hit in result.hits}


def raw_search(backend, **fields):
    """A backend's raw answer to ``SearchRequest(**fields)``, asked as the service asks."""
    from search.service import backend_query

    return backend.search(backend_query(SearchRequest(**fields)))


def raw_explain(backend, q: str, article_id: int):
    from search.service import backend_query

    return backend.explain(backend_query(SearchRequest(q=q)), article_id)


DAY = dt.date(2018, 5, 8)


def wire_articles(backend=None):
    """A Yonhap original with two copies, another write-up of the same story, and an
    article of its own: 5 articles, 3 copy groups, 2 stories-or-singles."""
    from archive.models import Story
    from search.documents import articles_for_index
    from tests.factories import make_article, make_outlet

    yonhap, joongang, herald, bloomberg, reuters = (
        make_outlet(name) for name in ("Yonhap", "JoongAng", "Herald", "Bloomberg", "Reuters")
    )
    story = Story.objects.create(title="Kim in Dalian")
    body = "Kim Jong Un met Xi Jinping in Dalian for a second summit."
    original = make_article(
        "Kim visits Dalian", body=body, outlet=yonhap, published=DAY, story=story, language="en"
    )
    copies = [
        make_article(
            f"Kim visits Dalian ({outlet.name})",
            body=f"{body} ({outlet.name})",  # a copy with an edit
            outlet=outlet,
            published=DAY + dt.timedelta(days=n),
            duplicate_of=original,
            story=story,
            language="en",
        )
        for n, outlet in ((1, joongang), (2, herald))
    ]
    other = make_article(
        "Second summit in Dalian",
        body="Xi hosted Kim at a summit by the sea.",
        outlet=bloomberg,
        published=DAY,
        story=story,
        language="en",
    )
    alone = make_article(
        "Summit talk in Geneva",
        body="A summit of a different kind.",
        outlet=reuters,
        published=dt.date(2019, 1, 3),
        language="en",
    )
    from search.service import get_backend

    (backend or get_backend()).index(articles_for_index())
    return {"original": original, "copies": copies, "other": other, "alone": alone}
