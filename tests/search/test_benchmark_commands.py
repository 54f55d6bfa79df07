"""The benchmark commands on a DATA_DIR nobody has migrated: they migrate it, then run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import fresh_database

ROOT = Path(__file__).resolve().parents[2]

ARTICLE = """<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" OLDID="{n}" NEWID="{n}">
<DATE>{day:02d}-MAR-1987 10:00:00.00</DATE>
<TOPICS><D>{topic}</D></TOPICS><PLACES><D>usa</D></PLACES><PEOPLE></PEOPLE><ORGS></ORGS>
<EXCHANGES></EXCHANGES><COMPANIES></COMPANIES>
<TEXT><TITLE>{title}</TITLE><BODY>{body}
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
"""
TEXTS = [
    ("earn", "BANK PROFIT ROSE", "The central bank said net profit rose on interest rates."),
    ("crude", "OIL PRICES FALL", "Crude oil prices fell as OPEC raised output and trade slowed."),
    ("coffee", "COFFEE QUOTA TALKS", "Brazil said the coffee quota talks on exports resumed."),
    ("earn", "DIVIDEND RAISED", "The company raised its dividend; shares of the bank rose."),
]


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "reuters"
    folder.mkdir()
    articles = "".join(
        ARTICLE.format(n=n + 1, day=n + 2, topic=topic, title=title, body=body)
        for n, (topic, title, body) in enumerate(TEXTS)
    )
    (folder / "reut2-000.xml").write_text(f'<?xml version="1.0"?>\n<LEWIS>\n{articles}</LEWIS>\n')
    return folder


def manage(data_dir: Path, *args: str, **environ: str) -> subprocess.CompletedProcess:
    # The default database of a DATA_DIR: SQLite in it, created by the first connection.
    unset = ("DATABASE_URL", "SEARCH_INDEX_DIR", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DATA_DIR=str(data_dir), SEARCH_BACKEND="whoosh", SHARED_DIR=str(data_dir))
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "options", "prints"),
    [
        ("benchmark_search", ["--repeat", "2"], "more like this"),
        ("benchmark_compare", ["--repeat", "1"], "five searches compared"),
        (
            "benchmark_alerts",
            ["--searches", "5", "--new", "2", "--repeat", "1"],
            "5 saved searches",
        ),
    ],
)
def test_benchmark_on_a_fresh_data_dir_migrates_then_runs(
    tmp_path, corpus, command, options, prints
):
    run = manage(tmp_path / "data", command, "--corpus", str(corpus), *options)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "no such table" not in run.stderr
    assert "migrations first" in run.stdout
    assert prints in run.stdout
    again = manage(tmp_path / "data", command, "--corpus", str(corpus), *options)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "migrations first" not in again.stdout


@pytest.mark.slow
def test_scaling_curve_measures_each_scale_and_engine_and_draws_them(tmp_path, corpus):
    out = tmp_path / "report"
    with fresh_database("scaling_curve_test") as url:
        run = manage(
            tmp_path / "data",
            *("benchmark_scale", "--corpus", str(corpus), "--scales", "1", "3", "--repeat", "1"),
            *("--results", str(tmp_path / "rows.json"), "--out", str(out)),
            DATABASE_URL=url,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    table = (out / "scaling.md").read_text()
    for line in ("| 1x | 4 | Whoosh |", "| 1x | 4 | PostgreSQL |", "| 3x | 12 | Whoosh |"):
        assert line in table
    assert "| 3x | 12 | PostgreSQL |" in table
    assert "| phrase |" in table and "| more like this |" in table
    assert (out / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = manage(
        tmp_path / "data",
        *("benchmark_scale", "--report", str(tmp_path / "rows.json"), "--out", str(tmp_path)),
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert (tmp_path / "scaling.md").read_text() == table


def _curve_row(backend: str, scale: int, **more) -> dict:
    query = {"p50": 10.0, "p95": 20.0, "cpu_p50": 5.0}
    return {
        "scale": scale,
        "articles": 4 * scale,
        "backend": backend,
        "rebuild_s": 1.0,
        "rebuild_rate": 4.0 * scale,
        "rebuild_cpu_rate": 8.0 * scale if backend == "whoosh" else None,
        "index_bytes": 2**20,
        "archive_bytes": 2**20,
        "serve_peak_rss_bytes": 100 * 2**20,
        "load_after_rebuild": 1.0,
        "load_queries": [1.0, 1.5],
        "queries": {"one term": query, "phrase": query},
        **more,
    }


def test_scaling_report_marks_the_rows_of_an_earlier_run(tmp_path):
    from search import scaling_report

    rows = [
        _curve_row("whoosh", 1),
        _curve_row("postgres", 1),
        _curve_row("postgres", 50, run="earlier"),
    ]
    sizes = scaling_report.sizes_table(rows)
    assert "| 1x | 4 | Whoosh | 1 | 4 | 8 |" in sizes
    assert "| 1x | 4 | PostgreSQL | 1 | 4 | - |" in sizes
    assert "| 50x | 200 | PostgreSQL * |" in sizes
    queries = scaling_report.queries_table(rows)
    assert "| Whoosh 1x | PostgreSQL 1x | PostgreSQL 50x * |" in queries
    for table in (sizes, queries):
        assert table.endswith(scaling_report.EARLIER_NOTE)
    assert scaling_report.EARLIER_NOTE not in scaling_report.sizes_table(rows[:2])
    import json

    from search import scaling

    measured, earlier = tmp_path / "measured.json", tmp_path / "earlier.json"
    measured.write_text(json.dumps(rows[:2]))
    earlier.write_text(json.dumps([_curve_row("whoosh", 1, run="earlier"), rows[2]]))
    read = scaling.results_read([measured, earlier])  # the earlier file last: still measured
    assert [(r["backend"], r["scale"], r.get("run")) for r in read] == [
        ("whoosh", 1, None),
        ("postgres", 1, None),
        ("postgres", 50, "earlier"),
    ]
    pytest.importorskip("matplotlib")
    scaling_report.chart_write(rows, tmp_path / "scaling.png")
    assert (tmp_path / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.django_db
def test_the_serving_process_times_searches_not_kept_answers(settings):
    from search import scaling
    from search.service import get_backend
    from tests.factories import make_article

    settings.SEARCH_BACKEND = "whoosh"
    settings.SEARCH_ANSWERS_KEPT = 256  # the default: a repeated search is read from memory
    for n in range(3):
        make_article(
            title=f"Oil prices {n}", body=f"Crude oil prices fell {n} dollars, the bank said."
        )
    figures = scaling.serve_figures(repeat=3)
    assert set(figures["queries"]) >= {"one term", "browse all (empty query)"}
    assert get_backend().answers.limit == 0  # the backend it searched keeps no answer
    assert settings.SEARCH_ANSWERS_KEPT == 0  # nor does PostgreSQL's (search.backends.pg.browsing)
