"""An article's text invariants: normal forms, content hash, its salt and the word count."""

import pytest

from archive.ingest.articletext import (
    article_text_apply,
    body_hash,
    document_identity,
    measure,
    normal_summary,
    normal_title,
    salted_hash,
)
from archive.ingest.normalize import content_hash
from archive.models import Article
from tests.factories import make_article


def test_a_title_is_one_line_in_nfc_without_invisible_characters():
    assert normal_title("  Cafe\u0301 \u200bopens\r\n  again\x07 ") == "Café opens again"


def test_a_summary_keeps_its_lines_but_loses_control_characters():
    assert normal_summary("Cafe\u0301\r\nopens\x00") == "Café\nopens"


def test_measure_gives_the_hash_the_signature_and_the_word_count():
    measures = measure("Port strike ends after ten days.")
    assert measures.digest == content_hash("port STRIKE ends, after ten days")
    assert measures.word_count == 6
    assert measures.signature is None  # too short to judge


def test_the_identity_is_the_external_id_else_the_url():
    assert document_identity(external_id="17", url="https://x.example/a") == "id:17"
    assert document_identity(external_id="", url="https://x.example/a") == "url:https://x.example/a"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "identity"),
    [({"external_id": "17"}, "id:17"), ({"url": "https://x.example/b"}, "url:https://x.example/b")],
)
def test_a_document_of_its_own_given_a_twins_text_keeps_a_salted_hash(fields, identity):
    make_article(body="The very same words.")
    article = make_article(body="Other words.", **fields)
    digest = content_hash("The very same words.")
    assert body_hash(article, "The very same words.") == salted_hash(digest, identity)


@pytest.mark.django_db
def test_without_an_identity_a_twins_text_keeps_its_plain_hash():
    make_article(body="The very same words.")
    article = make_article(body="Other words.")
    assert body_hash(article, "The very same words.") == content_hash("The very same words.")


def test_applying_a_body_brings_its_hash_and_word_count_along():
    article = Article(title="x", content_hash="old")
    article_text_apply(article, title=" Two\tspaces ", body="Soft\u00adhyphen here.")
    assert article.title == "Two spaces"
    assert article.body == "Softhyphen here."
    assert (article.content_hash, article.word_count) == (content_hash("Softhyphen here."), 2)
