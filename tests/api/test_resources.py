"""/api/outlets/, /api/tags/, /api/authors/: list, retrieve, and editors' writes."""

import pytest

from archive.models import Outlet, Tag
from tests.factories import make_outlet, make_tag

pytestmark = pytest.mark.django_db


def test_outlets_list_and_retrieve(anon, archive):
    listed = anon.get("/api/outlets/").json()
    one = anon.get(f"/api/outlets/{archive['reuters'].pk}/").json()

    assert [o["slug"] for o in listed["results"]] == ["korea-herald", "reuters"]
    assert one["name"] == "Reuters"


def test_editor_creates_an_outlet_and_its_slug_follows_the_name(as_editor, db):
    response = as_editor.post("/api/outlets/", {"name": "Le Monde"}, format="json")

    assert response.status_code == 201
    assert response.json()["slug"] == "le-monde"


def test_a_taken_outlet_name_is_a_400(as_editor, db):
    make_outlet("Reuters")

    response = as_editor.post("/api/outlets/", {"name": "Reuters"}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("name:")


def test_deleting_an_outlet_with_articles_is_a_409(as_editor, archive):
    response = as_editor.delete(f"/api/outlets/{archive['reuters'].pk}/")

    assert response.status_code == 409
    assert "Still used by 2 article(s)" in response.json()["detail"]
    assert Outlet.objects.filter(pk=archive["reuters"].pk).exists()


def test_tags_show_kind_aliases_and_rule(anon, db):
    make_tag("Kim Jong-un", kind="person", aliases=["Kim Jong Un"], match_mode="phrase")

    tag = anon.get("/api/tags/").json()["results"][0]

    assert tag["kind"] == "person"
    assert tag["aliases"] == ["Kim Jong Un"]
    assert tag["match_mode"] == "phrase"


def test_tags_filter_by_kind(anon, db):
    make_tag("Oil", kind="topic")
    make_tag("Seoul", kind="place")

    data = anon.get("/api/tags/", {"kind": "place"}).json()

    assert [t["name"] for t in data["results"]] == ["Seoul"]


def test_editor_creates_a_tag_with_a_rule(as_editor, db):
    response = as_editor.post(
        "/api/tags/",
        {"name": "OPEC", "kind": "organization", "match_mode": "any", "match_pattern": "OPEC"},
        format="json",
    )

    assert response.status_code == 201
    assert Tag.objects.get(slug="opec").kind == "organization"


def test_the_same_slug_in_another_kind_is_allowed_but_not_in_the_same(as_editor, db):
    make_tag("Georgia", kind="place")

    person = as_editor.post("/api/tags/", {"name": "Georgia", "kind": "person"}, format="json")
    again = as_editor.post("/api/tags/", {"name": "Georgia", "kind": "place"}, format="json")

    assert person.status_code == 201
    assert again.status_code == 400
    assert "another place tag already has slug 'georgia'" in again.json()["detail"]


def test_a_broken_regular_expression_is_a_400(as_editor, db):
    response = as_editor.post(
        "/api/tags/", {"name": "X", "match_mode": "regex", "match_pattern": "(oil"}, format="json"
    )

    assert response.status_code == 400
    assert "match_pattern: Not a valid regular expression" in response.json()["detail"]


@pytest.mark.parametrize("method", ["patch", "put"])
def test_moving_a_tag_to_a_kind_that_has_its_slug_is_a_400_not_a_500(as_editor, db, method):
    make_tag("Georgia", kind="place")
    person = make_tag("Georgia", kind="person")
    data = {"kind": "place"} if method == "patch" else {"name": "Georgia", "kind": "place"}

    response = getattr(as_editor, method)(f"/api/tags/{person.pk}/", data, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"slug": ["another place tag already has slug 'georgia'."]}
    assert Tag.objects.get(pk=person.pk).kind == "person"


def test_a_slug_taken_between_validation_and_the_write_is_a_400_not_a_500(db):
    from rest_framework.exceptions import ValidationError

    from archive.api.serializers import OutletSerializer, TagSerializer

    tag = TagSerializer(data={"name": "Oil", "kind": "topic"})
    outlet = OutletSerializer(data={"name": "Wire", "slug": "wire"})
    assert tag.is_valid() and outlet.is_valid()
    make_tag("Oil", kind="topic")  # another request, a moment later
    Outlet.objects.create(name="The Wire", slug="wire")

    for serializer in (tag, outlet):
        with pytest.raises(ValidationError, match="saved meanwhile"):
            serializer.save()


def test_a_catastrophic_regular_expression_is_refused_with_the_reason(as_editor, db):
    response = as_editor.post(
        "/api/tags/",
        {"name": "Words", "match_mode": "regex", "match_pattern": r"(\w+\s?)+$"},
        format="json",
    )

    assert response.status_code == 400
    assert "takes too long on a test text" in response.json()["errors"]["match_pattern"][0]


def test_editor_renames_and_deletes_a_tag(as_editor, db):
    tag = make_tag("Oil")

    renamed = as_editor.patch(f"/api/tags/{tag.pk}/", {"aliases": ["Crude"]}, format="json")
    deleted = as_editor.delete(f"/api/tags/{tag.pk}/")

    assert renamed.json()["aliases"] == ["Crude"]
    assert deleted.status_code == 204


def test_authors_list_create_and_retrieve(as_editor, archive):
    created = as_editor.post("/api/authors/", {"name": "Ock Hyun-ju"}, format="json").json()
    listed = as_editor.get("/api/authors/").json()

    assert created["slug"] == "ock-hyun-ju"
    assert {"Jane Doe", "Ock Hyun-ju"} <= {a["name"] for a in listed["results"]}
    assert as_editor.get(f"/api/authors/{created['id']}/").json()["name"] == "Ock Hyun-ju"


@pytest.mark.parametrize("homepage", ["ftp://lemonde.example/", "javascript:alert(1)"])
def test_an_outlet_homepage_must_be_a_web_address_as_ingest_demands(as_editor, db, homepage):
    """Else the export of that outlet could not be imported again."""
    response = as_editor.post(
        "/api/outlets/", {"name": "Le Monde", "homepage": homepage}, format="json"
    )

    assert response.status_code == 400
    assert "is not an http(s) address" in response.json()["errors"]["homepage"][0]
