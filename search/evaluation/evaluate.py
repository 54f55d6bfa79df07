"""The benchmark from end to end: load a collection once, ask it through each backend."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from search.evaluation.archive import (
    EvaluationError,
    Loaded,
    collection_load,
    search_with,
    throwaway_archive,
)
from search.evaluation.collections import Collection, Question
from search.evaluation.embeddings import collection_embed
from search.evaluation.measure import Figures, answers_measure, questions_ask
from search.evaluation.report import run_file_path, run_file_write

BACKEND_CHOICES = ("whoosh", "postgres", "all")


@dataclass
class Evaluation:
    """What a benchmark run loaded, measured and wrote."""

    loaded: Loaded | None = None
    figures: list[Figures] = field(default_factory=list)
    run_files: dict[str, Path] = field(default_factory=dict)


def backends_for(choice: str) -> list[str]:
    """The backends ``--backend`` names: ``all`` is PostgreSQL's too when the database is."""
    postgres = connection.vendor == "postgresql"
    if choice == "postgres" and not postgres:
        raise EvaluationError(
            "The postgres backend needs PostgreSQL as the database (DATABASE_URL=postgres://…)."
        )
    if choice == "all":
        return ["whoosh", "postgres"] if postgres else ["whoosh"]
    return [choice]


def relevance_evaluate(
    collection: Collection,
    *,
    backends: list[str],
    depth: int,
    limit: int | None = None,
    run_file: str | None = None,
    mode: str = "keyword",
    log: Callable[[str], None] = print,
) -> Evaluation:
    """Load ``collection`` into a throwaway archive and measure each backend on its
    judged questions (the first ``limit``) in a search ``mode``, writing each backend's
    run (see ``run_file_path`` for where). A semantic or hybrid mode embeds the
    collection first (``search.evaluation.embeddings``: cached by text hash)."""
    questions = collection.judged(limit=limit)
    if not questions:
        raise EvaluationError(f"The collection {collection.name!r} has no judged question.")
    done = Evaluation()
    with throwaway_archive(backend=backends[0], semantic=mode != "keyword") as folder:
        done.loaded = collection_load(collection, folder=folder)
        log(f"Loaded {done.loaded.created} of {len(collection.documents)} documents.")
        if mode != "keyword":
            log(f"Embedded {collection_embed(collection.name)} documents (others cached).")
        for backend in backends:
            path = run_file_path(
                run_file, collection=collection.name, backend=backend, several=len(backends) > 1
            )
            figures = _backend_measure(
                backend,
                questions=questions,
                judgements=collection.judgements,
                documents=done.loaded.documents,
                depth=depth,
                path=path,
                mode=mode,
            )
            done.figures.append(figures)
            done.run_files[backend] = path
            log(f"Asked {len(questions)} questions through {backend}.")
    return done


def _backend_measure(
    backend: str,
    *,
    questions: list[Question],
    judgements: dict[str, dict[str, int]],
    documents: dict[int, str],
    depth: int,
    path: Path,
    mode: str,
) -> Figures:
    search_with(backend)
    answers = questions_ask(questions, documents=documents, depth=depth, mode=mode)
    run_file_write(path, answers, tag=f"archive-{backend}-{mode}")
    return answers_measure(answers, judgements, backend=backend, depth=depth)
