"""The search-index page of the admin: stats, outbox backlog, last check, and the
sync, check and rebuild buttons. Rebuild runs in the background, for superusers only."""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse

from search.maintenance import (
    index_check,
    index_rebuild_in_background,
    index_stats,
    index_sync,
    last_check,
)
from search.outbox import outbox_backlog
from search.types import SearchError

log = logging.getLogger(__name__)

IDS_SHOWN = 20
OPERATIONS = ("sync", "check", "fix", "rebuild")


def search_index_view(request):
    """GET shows the state of the index; POST ``op`` = sync | check | fix | rebuild."""
    if not request.user.has_perm("archive.view_article"):
        raise PermissionDenied
    if request.method == "POST":
        _run(request, request.POST.get("op", ""))
        return redirect(request.path)
    context = {
        **admin.site.each_context(request),
        "title": "Search index",
        "can_sync": _can_sync(request.user),
        "can_rebuild": request.user.is_superuser,
        "ids_shown": IDS_SHOWN,
    }
    context.update(backlog=outbox_backlog(), last=last_check())
    try:
        stats = index_stats()
        context.update(rows=_rows(stats), error=stats.get("error"))
    except Exception as exc:
        # This page is where a broken index gets repaired: it must render, buttons
        # included, whatever the engine raises. The error is shown and logged.
        log.exception("The search index page could not read the index")
        context["error"] = f"{type(exc).__name__}: {exc}"
    return TemplateResponse(request, "admin/archive/search_index.html", context)


def _rows(stats: dict) -> list[tuple[str, object]]:
    size = stats.get("size_bytes")
    return [
        ("backend", stats.get("backend")),
        ("articles in the database", stats.get("articles")),
        ("documents in the index", stats.get("documents")),
        ("oldest pending change", stats.get("oldest_pending") or "none"),
        ("size", filesizeformat(size) if size is not None else "unknown"),
        ("rebuilding now", "yes" if stats.get("rebuilding") else "no"),
        ("meaning-based search", stats.get("semantic")),
    ]


def _can_sync(user) -> bool:
    return user.has_perm("archive.change_article")


def _run(request, op: str) -> None:
    if op not in OPERATIONS:
        messages.error(request, f"Unknown operation {op!r}.")
        return
    if op == "rebuild" and not request.user.is_superuser:
        raise PermissionDenied("Only superusers rebuild the index.")
    if not _can_sync(request.user):
        raise PermissionDenied
    try:
        messages.success(request, _apply(op))
    except SearchError as exc:
        messages.error(request, f"The search index is unavailable: {exc}")
    except Exception as exc:  # shown and logged; the page stays usable (see above)
        log.exception("Search index operation %r failed", op)
        messages.error(request, f"The {op} failed: {type(exc).__name__}: {exc}")


def _apply(op: str) -> str:
    if op == "sync":
        return f"Applied {index_sync()} pending index changes."
    if op == "rebuild":
        index_rebuild_in_background()
        return "Rebuild started in the background; searches keep working until it is done."
    report = index_check(fix=op == "fix")
    found = (
        f"{len(report.missing)} missing, {len(report.stale)} stale, {len(report.orphans)} orphans"
    )
    return f"Check done: {found}{' (repaired)' if report.fixed else ''}."
