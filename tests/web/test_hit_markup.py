"""A search hit's title link, meta line and tags as the search page writes them."""

import datetime as dt

import pytest

from archive.models import ArticleAuthor, Author
from tests.factories import make_article, make_outlet, make_tag
from tests.web.conftest import index_all

pytestmark = pytest.mark.django_db

SEP = '<span class="sep" aria-hidden="true"> · </span>'


def test_a_hit_shows_its_outlet_date_byline_and_first_eight_tags(client):
    article = make_article(
        "Zinc output rises",
        outlet=make_outlet("Dow & Co"),
        published=dt.date(1987, 3, 5),
    )
    for position, name in enumerate(["Ann O'Brien", "Bo <Lee>"]):
        author = Author.objects.create(name=name)
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    article.tags.set([make_tag(f"Metal {n:02}") for n in range(10)])
    index_all()

    page = client.get("/?q=zinc").content.decode()

    assert (
        f'<h3 id="hit-{article.pk}" class="hit-title"><a href="/articles/{article.pk}/'
        'zinc-output-rises/?q=zinc&amp;back=%2F%3Fq%3Dzinc"><mark>Zinc</mark> output rises</a></h3>'
    ) in page
    assert (
        '<p class="meta"><a href="/outlets/dow-co/" class="outlet">Dow &amp; Co</a>'
        f'{SEP}<time datetime="1987-03-05">5 Mar 1987</time>'
        f'{SEP}By <a href="/authors/ann-obrien/">Ann O&#x27;Brien</a>, '
        '<a href="/authors/bo-lee/">Bo &lt;Lee&gt;</a></p>'
    ) in page
    tags = page[page.index('<ul class="tags"') :]
    tags = tags[: tags.index("</ul>") + 5]
    assert tags.count('<li><a class="tag tag-topic"') == 8
    assert "Metal 07" in tags and "Metal 08" not in tags
    assert tags.endswith('</a>\n</li><li class="more">+2</li></ul>')


def test_a_hit_without_outlet_date_authors_or_tags_has_an_empty_meta_line(client):
    make_article("Zinc alone")
    index_all()

    page = client.get("/?q=zinc").content.decode()

    assert '<p class="meta"></p>' in page
    assert '<ul class="tags"' not in page
