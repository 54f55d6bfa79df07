"""Import batches in the admin: upload files to the ingest pipeline, read the reports."""

import functools

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join

from archive.admin.changelist import BoundedDates
from archive.admin.counts import articles_link
from archive.admin.forms import UploadForm
from archive.api.parsers import declared_length
from archive.ingest.decode import ARCHIVE_REFUSAL, archive_kind
from archive.ingest.draft import IngestError
from archive.ingest.readers import FORMATS
from archive.ingest.run import ingest_upload
from archive.models import ImportBatch
from search.maintenance import index_catch_up

ERRORS_SHOWN = 200


@admin.register(ImportBatch)
class ImportBatchAdmin(BoundedDates, admin.ModelAdmin):
    list_display = [
        "started_at",
        "source",
        "format",
        "status",
        "dry_run",
        "created",
        "updated",
        "duplicates",
        "skipped",
        "failed",
        "article_count",
        "first_error",
    ]
    list_filter = ["status", "format", "dry_run"]
    search_fields = ["source"]
    date_hierarchy = "started_at"
    ordering = ["-started_at"]
    fields = [
        ("source", "format"),
        ("status", "dry_run"),
        ("started_at", "finished_at"),
        ("created", "updated", "duplicates", "skipped", "failed"),
        "article_count",
        "error_table",
    ]
    readonly_fields = [
        name for line in fields for name in ([line] if isinstance(line, str) else line)
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    def has_change_permission(self, request, obj=None):
        return False  # a batch is a record of what happened

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return articles_link(getattr(obj, "article_count", 0), import_batch=obj.pk)

    @admin.display(description="errors, warnings, skips")
    def first_error(self, obj):
        if not obj.errors:
            return ""
        # A failure or a warning says more than the (often many) items skipped for no text.
        first = next((e for e in obj.errors if _level(e) != "skipped"), obj.errors[0])
        more = f" (+{len(obj.errors) - 1} more)" if len(obj.errors) > 1 else ""
        where = first.get("item") or first.get("file", "")
        return f"{_level(first)}: {where}: {first.get('reason', '')}{more}"

    @admin.display(description="errors")
    def error_table(self, obj):
        return error_table(obj.errors)

    def get_urls(self):
        # The upload page refuses a body over the limit before anything reads it; Django's
        # CSRF check would otherwise parse the whole multipart body to find its token.
        name = f"{self.opts.app_label}_{self.opts.model_name}_add"
        guarded = _refusing_large_bodies(self.admin_site.admin_view(self.add_view), self)
        return [path("add/", guarded, name=name), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        """The upload page: each file becomes one import batch, reported on the page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        batches, failures = [], []
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES, formats=FORMATS)
            if form.is_valid():
                batches, failures = _ingest(form.cleaned_data)
        else:
            form = UploadForm(formats=FORMATS)
        return self.upload_page(request, form, batches, failures)

    def upload_page(self, request, form, batches, failures, *, status=200):
        context = {
            **self.admin_site.each_context(request),
            "title": "Import files",
            "opts": self.model._meta,
            "form": form,
            "reports": [(batch, error_table(batch.errors), _imported(batch)) for batch in batches],
            "failures": failures,
        }
        template = "admin/archive/importbatch/upload.html"
        return TemplateResponse(request, template, context, status=status)


def _refusing_large_bodies(view, model_admin):
    """``view``, answering 413 (the upload page with the reason) to a POST whose declared
    body is over INGEST_MAX_FILE_BYTES, unread; the CSRF check then runs in ``view``."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        limit, size = settings.INGEST_MAX_FILE_BYTES, declared_length(request)
        if request.method == "POST" and size > limit:
            site = model_admin.admin_site
            if not (site.has_permission(request) and model_admin.has_add_permission(request)):
                raise PermissionDenied
            reason = (
                f"it is {size:,} bytes, over the limit of {limit:,} for all its files "
                "together (INGEST_MAX_FILE_BYTES); nothing of it was read"
            )
            form = UploadForm(formats=FORMATS)
            page = model_admin.upload_page(request, form, [], [("The upload", reason)], status=413)
            add_never_cache_headers(page)  # as admin_view does for every admin page
            return page
        return view(request, *args, **kwargs)

    guarded.csrf_exempt = True  # checked by the admin view, after the size
    guarded.model_admin = model_admin
    return guarded


def _ingest(data: dict) -> tuple[list[ImportBatch], list[tuple[str, str]]]:
    batches, failures = [], []
    for upload in data["files"]:
        content = upload.read()
        kind = archive_kind(content[:512], upload.name)
        if kind:
            failures.append((upload.name, f"it is a {kind} archive: {ARCHIVE_REFUSAL}"))
            continue
        try:
            batch = ingest_upload(
                upload.name,
                content,
                fmt=data["format"] or None,
                outlet=data["outlet"] or None,
                dry_run=data["dry_run"],
            )
        except IngestError as exc:
            failures.append((upload.name, str(exc)))
        else:
            batches.append(batch)
    if any(batch.changed_articles for batch in batches):
        index_catch_up()  # searchable when the page answers, unless the index is busy
    return batches, failures


def _imported(batch: ImportBatch) -> str:
    """The batch's stored articles, as a link to the article list filtered by it."""
    count = batch.articles.count()
    if not count:
        return "no articles stored"
    url = reverse("admin:archive_article_changelist")
    noun = "article" if count == 1 else "articles"
    return format_html('<a href="{}?import_batch={}">{} {}</a>', url, batch.pk, count, noun)


def _level(error: dict) -> str:
    """ "failed" (the item was not stored), "skipped" (nothing to store) or "warning"
    (stored, with a caveat)."""
    return error.get("level", "failed")


def error_table(errors: list[dict]) -> str:
    if not errors:
        return "none"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (_level(e), e.get("file", ""), e.get("item", ""), e.get("reason", ""))
            for e in errors[:ERRORS_SHOWN]
        ),
    )
    more = (
        format_html("<p>… {} errors in all.</p>", len(errors)) if len(errors) > ERRORS_SHOWN else ""
    )
    return format_html(
        '<table class="import-errors"><thead><tr><th>level</th><th>file</th><th>item</th>'
        "<th>reason</th></tr></thead><tbody>{}</tbody></table>{}",
        rows,
        more,
    )
