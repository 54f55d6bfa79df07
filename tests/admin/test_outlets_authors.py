"""Outlets and authors: article counts and merging."""

from django.urls import reverse

from archive.models import ArticleAuthor, Author, Outlet
from tests.admin.helpers import indexed_ids, post_action
from tests.factories import make_article, make_author, make_outlet


def test_outlet_list_counts_articles(editor_client):
    outlet = make_outlet("Planet")
    make_article(outlet=outlet)
    make_article(outlet=outlet)
    page = editor_client.get(reverse("admin:archive_outlet_changelist")).text
    assert f'?outlet__id__exact={outlet.pk}">2</a>' in page


def test_outlet_merge_moves_articles_and_deletes_the_others(editor_client):
    target = make_outlet("Reuters")
    dupe = make_outlet("Reuters News", domain="reuters.com")
    a, b = make_article(outlet=target), make_article(outlet=dupe)
    url = reverse("admin:archive_outlet_changelist")

    assert "Merge into" in post_action(editor_client, url, "merge_outlets", [target, dupe]).text
    post_action(editor_client, url, "merge_outlets", [target, dupe], apply="1", target=target.pk)

    assert list(Outlet.objects.all()) == [target]
    target.refresh_from_db()
    assert target.domain == "reuters.com"
    assert set(target.articles.all()) == {a, b}
    assert indexed_ids(outlets=("reuters",)) == {a.pk, b.pk}


def test_author_list_counts_articles(editor_client):
    author = make_author("Lois Lane")
    ArticleAuthor.objects.create(article=make_article(), author=author)
    page = editor_client.get(reverse("admin:archive_author_changelist")).text
    assert f'?author={author.pk}">1</a>' in page


def test_author_merge_credits_the_target_in_the_same_byline_place(editor_client):
    target, dupe, other = make_author("Lois Lane"), make_author("L. Lane"), make_author("Clark")
    both = make_article()
    ArticleAuthor.objects.create(article=both, author=target, position=0)
    ArticleAuthor.objects.create(article=both, author=dupe, position=1)
    second = make_article()
    ArticleAuthor.objects.create(article=second, author=other, position=0)
    ArticleAuthor.objects.create(article=second, author=dupe, position=1)
    url = reverse("admin:archive_author_changelist")

    post_action(editor_client, url, "merge_authors", [target, dupe], apply="1", target=target.pk)

    assert not Author.objects.filter(pk=dupe.pk).exists()
    assert both.author_names == ["Lois Lane"]
    assert second.author_names == ["Clark", "Lois Lane"]
    assert indexed_ids(authors=("lois-lane",)) == {both.pk, second.pk}


def test_an_outlet_homepage_must_be_a_web_address_as_ingest_demands(editor_client):
    outlet = make_outlet("Planet")
    url = reverse("admin:archive_outlet_change", args=[outlet.pk])
    data = {"name": "Planet", "slug": outlet.slug, "homepage": "ftp://planet.example/"}

    response = editor_client.post(url, {**data, "domain": "", "country": "", "language": ""})

    assert response.status_code == 200
    assert "is not an http(s) address" in response.text
    outlet.refresh_from_db()
    assert outlet.homepage == ""
