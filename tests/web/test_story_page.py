"""The story page: articles in time order, the first report, the timeline, what each
version adds, the shared tags; linked from its articles."""

import re

import pytest

from tests.stories_fixtures import flood_story

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_story_page_lists_every_article_in_time_order_with_the_first_report_marked(client):
    story, first, second, copy = flood_story()
    page = client.get(f"/stories/{story.pk}/")
    assert page.status_code == 200
    html = page.text
    positions = [html.index(f'id="article-{a.pk}"') for a in (first, second, copy)]
    assert positions == sorted(positions)
    first_card = html[positions[0] : positions[1]]
    assert "First report" in first_card and "Wire" in first_card
    assert "First report" not in html[positions[1] :]
    assert f'Copy of <a href="{first.get_absolute_url()}">#{first.pk}</a>' in html


def test_the_story_page_says_what_each_version_adds(client):
    story, _first, _second, _copy = flood_story()
    text = _text(client.get(f"/stories/{story.pk}/").text)
    herald = text[text.index("Passau spends the night in gyms") :]
    assert "What it adds: Residents spent the night in school gyms" in herald
    # Paragraphs the first report had (even reworded a little) are not "added".
    assert "evacuation of 4,200" not in herald.split("Danube floods Passau (copy)")[0]
    assert "Reporting by Wire." in text  # the copy's one new paragraph


def test_the_timeline_shows_which_outlet_reported_when_without_javascript(client):
    story, *_ = flood_story()
    html = client.get(f"/stories/{story.pk}/").text
    timeline = html[
        html.index('class="timeline"') : html.index("</ol>", html.index('class="timeline"'))
    ]
    lanes = re.findall(r'class="lane-outlet">([^<]+)<', timeline)
    assert lanes == ["Wire", "Herald", "Daily Copy"]
    assert 'class="mark first" href="#article-' in timeline
    assert "--at: 0%" in timeline and "--at: 100%" in timeline  # first day, last day
    assert "4 Mar 2024 (first report)" in _text(timeline)


def test_the_story_page_shows_the_tags_its_write_ups_share(client):
    story, *_ = flood_story()
    html = client.get(f"/stories/{story.pk}/").text
    assert 'aria-label="Tags the write-ups share"' in html and "Passau</a>" in html


def test_an_article_links_to_its_story(client):
    story, first, *_ = flood_story()
    html = client.get(first.get_absolute_url()).text
    assert f'href="/stories/{story.pk}/">Coverage of this story: 3 articles' in html


def test_an_article_without_a_story_has_no_story_link(client):
    from tests.factories import make_article

    article = make_article()
    assert "Coverage of this story" not in client.get(article.get_absolute_url()).text


def test_an_unknown_story_is_a_404(client):
    assert client.get("/stories/999999/").status_code == 404
    assert client.get("/stories/x/").status_code == 404


def test_a_search_hit_links_to_its_story(client, search_backend):
    from search.documents import articles_for_index

    story, first, _second, _copy = flood_story()
    search_backend.index(articles_for_index())
    html = client.get("/", {"q": "Passau", "collapse": "none"}).text
    hit = html[html.index(f'id="hit-{first.pk}"') :]
    hit = hit[: hit.index("</article>")]
    assert f'href="{story.get_absolute_url()}"' in hit
    assert "Coverage of this story: 3 articles" in _text(hit)
