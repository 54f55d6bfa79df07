"""``manage.py search_index sync | rebuild | check [--fix] | stats | embed``."""

import time

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from search.maintenance import index_check, index_rebuild, index_stats, index_sync
from search.outbox import outbox_backlog
from search.semantic import embed_pending, semantic_backlog, semantic_enabled
from search.semantic.store import embedding_summary
from search.types import SearchUnavailable


class Command(BaseCommand):
    help = "Keep the search index in step with the database."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("sync", help="Apply the queued index changes (build the index if none).")
        actions.add_parser("rebuild", help="Build a new index beside the live one and swap it in.")
        check = actions.add_parser("check", help="Compare the database and the index.")
        check.add_argument("--fix", action="store_true", help="Repair what differs.")
        actions.add_parser("stats", help="Counts, queued changes, size on disk.")
        actions.add_parser(
            "embed", help="Embed the articles waiting for it now (what the worker does)."
        )

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except SearchUnavailable as error:
            raise CommandError(str(error)) from error

    def do_sync(self, **options):
        started = time.perf_counter()
        if not index_stats()["index"].get("exists", True) and Article.objects.exists():
            self.stdout.write("No index yet: building it.")
            return self.do_rebuild()
        applied = index_sync()
        self.stdout.write(
            f"Applied {applied} queued change(s) in {time.perf_counter() - started:.1f} s; "
            f"{outbox_backlog()} left."
        )

    def do_rebuild(self, **options):
        started = time.perf_counter()
        count = index_rebuild()
        took = time.perf_counter() - started
        rate = count / took if took else 0
        self.stdout.write(f"Rebuilt the index: {count} articles in {took:.1f} s ({rate:.0f}/s).")

    def do_check(self, *, fix=False, **options):
        report = index_check(fix=fix)
        self.stdout.write(
            f"{report.articles} articles, {report.documents} documents, "
            f"{report.pending} queued change(s), checked in {report.took_ms / 1000:.1f} s."
        )
        for name in ("missing", "stale", "orphans"):
            ids = getattr(report, name)
            shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
            self.stdout.write(f"{name}: {len(ids)}" + (f" ({shown})" if ids else ""))
        if report.ok:
            self.stdout.write("The index agrees with the database.")
        elif report.fixed:
            self.stdout.write(f"Repaired {report.problems} document(s).")
        else:
            raise CommandError(
                f"The index differs from the database in {report.problems} document(s); "
                "repair with `search_index check --fix`."
            )

    def do_embed(self, **options):
        if not semantic_enabled():
            raise CommandError(f"Meaning-based search is {embedding_summary()}.")
        started = time.perf_counter()
        encoded = embed_pending()
        took = time.perf_counter() - started
        self.stdout.write(
            f"Embedded {encoded} article(s) in {took:.1f} s; {semantic_backlog()} waiting."
        )

    def do_stats(self, **options):
        stats = index_stats()
        check = stats["last_check"]
        rows = [
            ("backend", stats["backend"]),
            ("articles", stats["articles"]),
            ("documents", stats["documents"]),
            ("queued changes", stats["backlog"]),
            ("oldest queued", stats["oldest_pending"] or "-"),
            ("size on disk", _size(stats["size_bytes"])),
            ("rebuilding", "yes" if stats["rebuilding"] else "no"),
            ("last check", _check_line(check)),
            ("semantic", stats["semantic"]),
        ]
        if stats["error"]:
            rows.append(("error", stats["error"]))
        for label, value in rows:
            self.stdout.write(f"{label + ':':<16}{value}")


def _size(value) -> str:
    if value is None:
        return "-"
    return f"{value / 1024 / 1024:.1f} MB"


def _check_line(check) -> str:
    if check is None:
        return "never"
    state = "ok" if check.ok else ("repaired" if check.fixed else f"{check.problems} differ")
    return f"{check.checked_at:%Y-%m-%d %H:%M:%S} ({state})"
