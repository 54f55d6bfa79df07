"""Several web nodes: two gunicorn servers, each with a directory of its own, on one
PostgreSQL database with the PostgreSQL search backend. What one saves, the other finds
at once: the index is in the database, written in the article's own transaction."""

import uuid

import pytest

from tests.postgres import fresh_database
from tests.reliability.service import Service
from tests.replicas.conftest import base_env, migrated

pytestmark = pytest.mark.slow


@pytest.fixture
def two_nodes(tmp_path):
    with fresh_database("replicas_nodes") as url:
        token = migrated(base_env(tmp_path / "setup", url))
        nodes = [
            Service(base_env(tmp_path / name, url), tmp_path / f"{name}.log", token=token)
            for name in ("node-a", "node-b")
        ]
        try:
            yield [node.start() for node in nodes]
        finally:
            for node in nodes:
                node.stop()


def test_an_article_saved_on_one_node_is_found_on_the_other_at_once(two_nodes):
    node_a, node_b = two_nodes
    word = "zq" + uuid.uuid4().hex[:10]

    saved = node_a.call("POST", "/api/articles/", {"title": f"Two nodes {word}", "body": "Text."})
    answer = node_b.get(f"/api/search/?q={word}&collapse=none")

    assert saved.status == 201, saved.text
    assert answer.status == 200, answer.text
    assert [hit["id"] for hit in answer.json()["results"]] == [saved.json()["id"]]
    assert node_a.env["DATA_DIR"] != node_b.env["DATA_DIR"]
