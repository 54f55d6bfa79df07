"""``manage.py evaluate_relevance`` on a tiny collection, in a throwaway archive."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from archive.models import Article
from search.service import get_backend
from tests.conftest import SEARCH_BACKEND_NAMES
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _evaluate(collection: Path, tmp_path, *args) -> str:
    out = io.StringIO()
    call_command(
        "evaluate_relevance",
        "--collection",
        str(collection),
        "--run-file",
        str(tmp_path / "runs" / "{backend}.run"),
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


@pytest.mark.parametrize("backend", SEARCH_BACKEND_NAMES)
def test_table_has_a_row_per_backend_with_the_judged_questions(smart_collection, tmp_path, backend):
    out = _evaluate(smart_collection, tmp_path, "--backend", backend)

    header, row = out.splitlines()[1:3]
    assert header.split()[:4] == ["backend", "questions", "nDCG@10", "MAP"]
    assert row.split()[:2] == [backend, "3"]
    assert (tmp_path / "runs" / f"{backend}.run").read_text().startswith("1 Q0 1 1 ")


@pytest.mark.parametrize("backend", SEARCH_BACKEND_NAMES)
def test_question_whose_words_are_in_one_judged_document_scores_ndcg_1(
    smart_collection, tmp_path, backend
):
    out = _evaluate(smart_collection, tmp_path, "--backend", backend, "--limit", "1", "--json")

    [figures] = json.loads(out)["backends"]
    assert figures["questions"] == 1
    assert figures["ndcg_10"] == 1.0
    assert figures["no_result"] == 0.0


def test_the_configured_archive_and_index_are_untouched(smart_collection, tmp_path):
    mine = make_article("My own article")

    _evaluate(smart_collection, tmp_path)

    assert list(Article.objects.all()) == [mine]
    assert get_backend().stats()["documents"] == 0
    assert settings.SEARCH_BACKEND == "whoosh"


@pytest.mark.slow
def test_cisi_loads_every_document_and_asks_the_judged_questions(cisi_dir, tmp_path):
    out = _evaluate(cisi_dir, tmp_path, "--limit", "5")

    assert out.startswith("Collection cisi: 1460 documents, depth 1000")
    assert out.splitlines()[2].split()[:2] == ["whoosh", "5"]
