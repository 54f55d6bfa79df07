"""The merge page: counts to choose by, several sources at once, nothing to merge refused,
and the old addresses leading to the survivor."""

from django.urls import reverse

from archive.models import Outlet, SlugRedirect, Tag
from tests.admin.helpers import indexed_ids, post_action
from tests.factories import make_article, make_outlet, make_tag

TAGS = "admin:archive_tag_changelist"


def test_the_merge_page_shows_how_many_articles_each_tag_has(editor_client):
    usa, us = make_tag("United States", kind="place"), make_tag("USA", kind="place")
    for article in (make_article(), make_article(), make_article()):
        article.tags.add(usa)
    make_article().tags.add(us)
    page = post_action(editor_client, reverse(TAGS), "merge_tags", [usa, us])
    # Listed as the tag list sorts: by name, whatever the case.
    assert page.context["table"]["rows"] == [["United States (place)", 3], ["USA (place)", 1]]
    assert "United States (place) (3 articles)" in page.text  # the choice to keep
    assert "USA (place) (1 article)</label>" in page.text


def test_several_tags_merge_into_one_and_their_old_slugs_lead_to_it(editor_client, client):
    target = make_tag("United States", kind="place")
    sources = [make_tag("USA", kind="place"), make_tag("U.S.", kind="place"), make_tag("America")]
    articles = [make_article() for _ in sources]
    for article, tag in zip(articles, sources, strict=True):
        article.tags.add(tag)
    url = reverse(TAGS)
    done = post_action(
        editor_client, url, "merge_tags", [target, *sources], apply="1", target=target.pk
    )
    assert done.status_code == 302
    assert list(Tag.objects.all()) == [target]
    assert set(SlugRedirect.objects.values_list("kind", "old_slug")) == {
        ("place", "usa"),
        ("place", "us"),
        ("topic", "america"),
    }
    assert indexed_ids(tags=("place:usa",)) == {a.pk for a in articles}
    assert client.get("/tags/topic/america/")["Location"] == "/tags/place/united-states/"


def test_merging_one_tag_is_refused_with_a_message(editor_client):
    tag = make_tag("Alone")
    response = post_action(editor_client, reverse(TAGS), "merge_tags", [tag])
    assert response.status_code == 302
    listing = editor_client.get(response["Location"]).text
    assert "Select at least two tags to merge" in listing
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_a_merged_away_outlet_slug_follows_a_second_merge(editor_client):
    first, second, third = make_outlet("Reuters"), make_outlet("Reuters UK"), make_outlet("RTRS")
    url = reverse("admin:archive_outlet_changelist")
    post_action(editor_client, url, "merge_outlets", [first, second], apply="1", target=second.pk)
    post_action(editor_client, url, "merge_outlets", [second, third], apply="1", target=third.pk)
    assert list(Outlet.objects.all()) == [third]
    redirects = SlugRedirect.objects.values_list("old_slug", "outlet__slug")
    assert set(redirects) == {("reuters", "rtrs"), ("reuters-uk", "rtrs")}


def test_an_editor_sees_the_redirects_a_merge_left_and_can_delete_a_wrong_one(
    editor_client, client
):
    target, source = make_tag("United States", kind="place"), make_tag("USA", kind="place")
    make_article().tags.add(source)
    post_action(
        editor_client, reverse(TAGS), "merge_tags", [target, source], apply="1", target=target.pk
    )
    listing = editor_client.get(reverse("admin:archive_slugredirect_changelist")).text
    assert "usa" in listing and "United States (place)" in listing
    assert editor_client.get(reverse("admin:archive_slugredirect_add")).status_code == 403

    moved = SlugRedirect.objects.get(old_slug="usa")
    delete = reverse("admin:archive_slugredirect_delete", args=[moved.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert client.get("/tags/place/usa/").status_code == 404


def test_an_editor_corrects_a_tag_code_label(editor_client):
    from archive.models import TagLabel

    label = TagLabel.objects.create(kind="topic", code="earn", name="Earnings")
    change = reverse("admin:archive_taglabel_change", args=[label.pk])
    answer = editor_client.post(
        change, {"kind": "topic", "code": "earn", "name": "Earnings and forecasts"}
    )
    assert answer.status_code == 302
    label.refresh_from_db()
    assert label.name == "Earnings and forecasts"
