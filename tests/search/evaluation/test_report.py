"""Run files and the printed table."""

from pathlib import Path

from search.evaluation.measure import Answer, Figures
from search.evaluation.report import run_file_path, run_file_write, table


def test_run_file_has_trec_columns_in_rank_order(tmp_path):
    path = tmp_path / "out" / "tiny.run"

    run_file_write(path, [Answer("7", ["d2", "d1"], 2, 1.0)], tag="archive-whoosh")

    assert path.read_text() == "7 Q0 d2 1 2 archive-whoosh\n7 Q0 d1 2 1 archive-whoosh\n"


def test_run_file_path_names_each_backend_when_several_share_one_path():
    def path(given, several):
        return run_file_path(given, collection="cisi", backend="postgres", several=several)

    assert path("runs/cisi.run", several=False) == Path("runs/cisi.run")
    assert path("runs/cisi.run", several=True) == Path("runs/cisi-postgres.run")
    assert path("runs/{backend}.txt", several=True) == Path("runs/postgres.txt")
    assert path(None, several=False).parts[-2:] == ("evaluation", "cisi-postgres.run")


def test_table_prints_one_row_per_backend_under_the_header():
    row = Figures("whoosh", 76, 1000, 0.0512, 0.0071, 0.0105, 0.049, 0.684, 19.24, 88.1)

    header, line = table([row]).splitlines()

    assert header.split() == [
        "backend", "questions", "nDCG@10", "MAP", "recall@100", "P@10", "no", "result",
        "p50", "ms", "p95", "ms",
    ]  # fmt: skip
    assert line.split() == [
        "whoosh",
        "76",
        "0.051",
        "0.007",
        "0.011",
        "0.049",
        "68.4%",
        "19.2",
        "88.1",
    ]
