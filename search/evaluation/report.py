"""The benchmark's outputs: TREC run files, the table a person reads, JSON for scripts."""

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from search.evaluation.measure import Answer, Figures, run_of

# header, Figures attribute, number format; every column as wide as its header (7 at least).
_COLUMNS = (
    ("questions", "questions", "d"),
    ("nDCG@10", "ndcg_10", ".3f"),
    ("MAP", "map", ".3f"),
    ("recall@100", "recall_100", ".3f"),
    ("P@10", "p_10", ".3f"),
    ("no result", "no_result", ".1%"),
    ("p50 ms", "p50_ms", ".1f"),
    ("p95 ms", "p95_ms", ".1f"),
)


def run_file_path(given: str | None, *, collection: str, backend: str, several: bool) -> Path:
    """Where a backend's run goes: ``given`` with ``{backend}`` replaced, or with the
    backend's name before its suffix when several backends share it; by default under
    ``DATA_DIR/evaluation/``."""
    if not given:
        return Path(settings.DATA_DIR) / "evaluation" / f"{collection}-{backend}.run"
    if "{backend}" in given:
        return Path(given.replace("{backend}", backend))
    path = Path(given)
    return path.with_name(f"{path.stem}-{backend}{path.suffix}") if several else path


def run_file_write(path: Path, answers: Iterable[Answer], *, tag: str) -> None:
    """``qid Q0 docid rank score tag`` lines, the scores those that were measured."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for question, ranking in run_of(answers).items():
            for rank, (doc, score) in enumerate(ranking.items(), 1):
                out.write(f"{question} Q0 {doc} {rank} {score:g} {tag}\n")


def table(rows: Iterable[Figures]) -> str:
    """One line per backend under a header; MAP is mean AP at each row's depth."""
    header = [f"{'backend':<9}"] + [f"{h:>{_width(h)}}" for h, _, _ in _COLUMNS]
    lines = ["  ".join(header)]
    for row in rows:
        cells = [format(getattr(row, attr), f">{_width(h)}{spec}") for h, attr, spec in _COLUMNS]
        lines.append("  ".join([f"{row.backend:<9}", *cells]))
    return "\n".join(lines)


def _width(header: str) -> int:
    return max(len(header), 7)


def as_json(rows: Iterable[Figures], **context) -> str:
    return json.dumps({**context, "backends": [dataclasses.asdict(r) for r in rows]}, indent=2)
