"""The benchmark's stand-in vectors for scaled copies of Reuters (timing at 10x)."""

import numpy as np
import pytest

from search import bench
from search.models import ArticleEmbedding
from search.semantic import embed_pending, nearest, semantic_backlog
from tests.search.test_benchmark_commands import corpus, manage  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("semantic")]


def _units(row: ArticleEmbedding) -> np.ndarray:
    return np.frombuffer(bytes(row.vectors), dtype=np.float32).reshape(row.passages, -1)


def test_later_copies_get_their_originals_vectors_with_a_little_noise(corpus):  # noqa: F811
    bench.corpus_load(corpus, copies=range(3), log=lambda _line: None)
    assert embed_pending(limit=bench.originals_pending()) == 4  # copy 0 alone
    assert bench.vectors_reuse() == 8
    assert semantic_backlog() == 0
    rows = {r.article.external_id: r for r in ArticleEmbedding.objects.select_related("article")}
    for copy in ("1-1", "1-2", "3-2"):
        original, reused = rows[copy.split("-")[0] + "-0"], rows[copy]
        assert reused.text_hash == original.text_hash and reused.passages == original.passages
        cosines = (_units(reused) * _units(original)).sum(axis=1)
        assert ((cosines > 0.99) & (cosines < 1)).all()  # near, never the same point
    found = [pk for pk, _cosine in nearest("coffee quota talks", 3)]
    assert sorted(rows[f"3-{n}"].article_id for n in range(3)) == sorted(found)
    assert bench.vectors_reuse() == 0  # done once


def test_copies_of_an_article_not_embedded_yet_wait_in_the_backlog(corpus):  # noqa: F811
    bench.corpus_load(corpus, copies=range(2), log=lambda _line: None)
    embed_pending(limit=1)
    assert bench.vectors_reuse() == 1
    assert semantic_backlog() == 8 - 2


@pytest.mark.slow
def test_the_benchmark_says_its_copies_reuse_vectors(tmp_path, corpus):  # noqa: F811
    options = ("--scale", "2", "--mode", "hybrid", "--reuse-vectors", "--repeat", "1")
    run = manage(tmp_path / "data", "benchmark_search", "--corpus", str(corpus), *options)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "embedded 4 articles" in run.stdout and "REUSED VECTORS: 4 more copies" in run.stdout
    assert "mode=hybrid (copies reuse vectors)" in run.stdout
    again = manage(tmp_path / "data", "benchmark_search", "--corpus", str(corpus), "--scale", "2")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "(1x corpus)" not in again.stdout  # 2x already: timed once, as 2x
    assert "== 8 articles, 0 of them copies (2x corpus)" in again.stdout
