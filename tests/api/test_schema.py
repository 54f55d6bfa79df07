"""The OpenAPI schema and the interactive docs, served without any CDN."""

import re

import pytest

from search.params import PARAMS
from search.types import FACETS, SORTS

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_lists_every_endpoint(anon):
    response = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/search/",
        "/api/suggest/",
        "/api/articles/",
        "/api/articles/{id}/",
        "/api/articles/{id}/similar/",
        "/api/outlets/",
        "/api/tags/",
        "/api/authors/",
        "/api/ingest/",
        "/api/export/",
    } <= set(schema["paths"])
    search = schema["paths"]["/api/search/"]["get"]
    assert {"q", "outlet", "tag", "sort", "page_size", "facets"} <= {
        p["name"] for p in search["parameters"]
    }
    assert "503" in search["responses"]


def test_the_search_parameters_are_documented_from_the_parser_table(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    documented = {p["name"]: p for p in schema["paths"]["/api/search/"]["get"]["parameters"]}
    assert set(documented) == {param.api for param in PARAMS}
    assert documented["facets"]["schema"]["items"]["enum"] == list(FACETS)
    assert documented["sort"]["schema"]["enum"] == list(SORTS)
    assert documented["page"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10_000,
        "default": 1,
    }
    assert documented["month"]["schema"]["items"]["pattern"] == r"^[1-9]\d{3}-(?:0[1-9]|1[0-2])$"


def test_docs_page_loads_swagger_from_the_installed_package(anon):
    response = anon.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    # Every script and stylesheet comes from this site: no absolute or protocol-relative
    # URL (a bare "cdn" search failed whenever the random CSRF token contained it).
    assets = re.findall(r"""<(?:script|link)[^>]*?(?:src|href)=["']([^"']+)""", html)
    assert assets
    assert [url for url in assets if re.match(r"(?:[a-z]+:)?//", url, re.I)] == []


def _operations(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def test_the_schema_says_reads_are_anonymous_and_writes_need_a_token(anon, archive):
    operations = list(_operations(anon))

    for method, path, operation in operations:
        anonymous = {} in operation["security"]
        # A user's saved searches are theirs alone: no anonymous reads.
        public = method == "GET" and not path.startswith("/api/saved-searches/")
        assert anonymous == public, (method, path, operation["security"])
        assert {"tokenAuth": []} in operation["security"]
        assert "token" in operation["responses"]["401"]["description"].lower()
    # ...and it is so: a read without a token is answered, a write is refused.
    assert anon.get("/api/articles/").status_code == 200
    assert anon.post("/api/articles/", {}, format="json").status_code == 401
    assert anon.get("/api/saved-searches/").status_code == 401


def test_with_private_reads_the_schema_asks_a_token_for_reads_too(anon, settings):
    settings.API_PUBLIC_READS = False

    for method, path, operation in _operations(anon):
        assert {} not in operation["security"], (method, path)


def _patterns(node):
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def test_no_pattern_says_a_slug_is_ascii_when_it_may_be_any_script(anon):
    """OpenAPI patterns are ECMA-262 regular expressions, where \\w is [A-Za-z0-9_]; a
    slug may be 조선일보, so a \\w pattern would be a lie to every validating client."""
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    patterns = list(_patterns(schema))
    assert patterns  # the others stay
    assert [p for p in patterns if "\\w" in p] == []
