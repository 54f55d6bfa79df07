"""axe-core finds no accessibility violations on the main pages (labels, landmarks,
contrast, ARIA), at desktop and phone widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from archive.models import Article

pytestmark = pytest.mark.browser


def violations(page) -> list[str]:
    results = Axe().run(page).response
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_search_and_article_pages_have_no_axe_violations(page, site, width, scheme):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)  # the dark scheme follows the system setting
    article = Article.objects.get(outlet__slug="the-korea-herald")
    found = {}
    for path in (
        "/?q=kim&outlet=the-korea-herald&outlet=bloomberg&from=2018-01-01",
        "/?q=sanctoins",
        "/?q=sanctoins&autocorrect=off",
        "/?size=2&page=99",
        "/tags/organization/united-nations/",
        "/feed/about/?q=summit",
        article.get_absolute_url() + "?q=kim",
        "/tags/person/moon-jae-in/?tag=person:mike-pompeo",
        article.get_absolute_url() + "?q=kim&why=1",
        article.story.get_absolute_url(),  # the seeds' Dalian story
    ):
        page.goto(site + path)
        found[path] = violations(page)
    assert found == {path: [] for path in found}
