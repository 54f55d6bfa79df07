"""python manage.py evaluate_relevance --collection PATH [--backend whoosh|postgres|all]
[--mode keyword|semantic|hybrid]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search.evaluation.archive import EvaluationError
from search.evaluation.collections import CollectionError
from search.evaluation.evaluate import BACKEND_CHOICES, backends_for, relevance_evaluate
from search.evaluation.formats import collection_read
from search.evaluation.report import as_json, table
from search.semantic import semantic_missing
from search.types import MODES


class Command(BaseCommand):
    help = (
        "Load a test collection (SMART or TREC) into a throwaway archive, type each judged "
        "question into the search, and print nDCG@10, MAP, recall@100, P@10 and latency."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--collection", type=Path, required=True, help="The collection's folder."
        )
        parser.add_argument("--backend", choices=BACKEND_CHOICES, default="whoosh")
        parser.add_argument(
            "--depth", type=int, default=1000, help="Answers read per question (MAP is AP@depth)."
        )
        parser.add_argument("--limit", type=int, help="Ask only the first N judged questions.")
        parser.add_argument(
            "--run-file",
            help="Where to write the TREC run; {backend} is replaced by the backend's name "
            "(default: DATA_DIR/evaluation/<collection>-<backend>.run).",
        )
        parser.add_argument(
            "--mode",
            choices=MODES,
            default="keyword",
            help="The search mode; semantic and hybrid embed the collection first (cached "
            "by text hash under DATA_DIR/evaluation/) and need the semantic extra.",
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, collection, backend, depth, limit, run_file, mode, json, **options):
        if depth < 100:
            raise CommandError("--depth must be at least 100 (recall@100 reads 100 answers).")
        if mode != "keyword" and semantic_missing():
            missing = ", ".join(semantic_missing())
            raise CommandError(f"--mode {mode} needs the semantic extra (missing: {missing}).")
        try:
            found = collection_read(collection)
            done = relevance_evaluate(
                found,
                backends=backends_for(backend),
                depth=depth,
                limit=limit,
                run_file=run_file,
                mode=mode,
                log=self.stderr.write,
            )
        except (CollectionError, EvaluationError) as error:
            raise CommandError(str(error)) from error
        for failure in done.loaded.errors[:10]:
            self.stderr.write(f"not loaded: {failure['item']}: {failure['reason']}")
        if json:
            context = {"collection": found.name, "documents": done.loaded.created, "mode": mode}
            self.stdout.write(as_json(done.figures, **context))
        else:
            self._report(found.name, done, depth, mode)

    def _report(self, name: str, done, depth: int, mode: str) -> None:
        self.stdout.write(
            f"Collection {name}: {done.loaded.created} documents, depth {depth} "
            f"(MAP is AP@{depth}), questions typed as written, {mode} mode."
        )
        self.stdout.write(table(done.figures))
        for backend, path in done.run_files.items():
            self.stdout.write(f"Run file ({backend}): {path}")
