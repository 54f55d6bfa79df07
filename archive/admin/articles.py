"""Articles in the admin: list, filters, ranked search through the index, bulk actions."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.text import Truncator

from archive import curation
from archive.admin import index_page, ranking
from archive.admin.changelist import BoundedChangeList
from archive.admin.filters import (
    AuthorFilter,
    DuplicatesFilter,
    ImportBatchFilter,
    TagFilter,
    TagKindFilter,
    UntaggedFilter,
)
from archive.admin.forms import (
    URL_OVERRIDES,
    AddTagsForm,
    ArticleAdminForm,
    OutletForm,
    TagsForm,
)
from archive.admin.intermediate import action_page
from archive.ingest.export import export_jsonl
from archive.models import Article, ArticleAuthor, Tag, byline_prefetch

RANK = "search_rank"
TAGS_SHOWN = 4  # the rest counted ("+3"), all of them in the tooltip
TITLE_SHOWN = 90


class RankedChangeList(BoundedChangeList):
    """Best search matches first (unless a column is clicked); long texts stay unloaded
    (actions that read them call ``defer(None)``)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # Django orders the list before it searches, so the rank the search annotates
        # can only take over the ordering here, afterwards.
        if RANK in queryset.query.annotations and not self.params.get(ORDER_VAR):
            queryset = queryset.order_by(RANK, "pk")
        duplicates = (
            Article.objects.filter(duplicate_of=OuterRef("pk"))
            .order_by()
            .values("duplicate_of")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.defer("body", "raw_text", "summary").annotate(
            near_duplicate_count=Coalesce(Subquery(duplicates), Value(0))
        )

    def get_ordering_field_columns(self):
        # Ranked results are sorted by no column: mark none as sorted.
        if self.query and not self.params.get(ORDER_VAR):
            return {}
        return super().get_ordering_field_columns()


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = URL_OVERRIDES
    # Seven narrow columns fit a 1280 px screen beside both sidebars (the widths are in
    # article/change_list.html): titles cut short, the byline under the outlet, few tags.
    list_display = [
        "short_title",
        "outlet_and_byline",
        "published",
        "tag_list",
        "words",
        "duplicate_marker",
    ]
    list_display_links = ["short_title"]
    list_select_related = ["outlet"]
    list_filter = [
        "outlet",
        TagKindFilter,
        TagFilter,
        AuthorFilter,
        "language",
        DuplicatesFilter,
        UntaggedFilter,
        ImportBatchFilter,
    ]
    list_per_page = 50
    date_hierarchy = "published"
    # Only turns the search box on: get_search_results asks the search index instead.
    search_fields = ["title"]
    search_help_text = "Searches titles and bodies through the search index, best matches first."
    autocomplete_fields = ["outlet", "tags"]
    raw_id_fields = ["duplicate_of"]
    readonly_fields = [
        "raw_text_panel",
        "word_count",
        "content_hash",
        "import_batch",
        "created_at",
        "updated_at",
    ]
    inlines = [ArticleAuthorInline]
    fieldsets = [
        (None, {"fields": ["title", "summary", "tags", ("outlet", "language")]}),
        (None, {"fields": [("published", "published_time"), "url"]}),
        (
            "Text",
            {
                "fields": [("body", "raw_text_panel")],
                "description": "Edit the clean text on the left; the text as received is "
                "on the right (use “Re-run the cleaner” to start again from it).",
            },
        ),
        (
            "Provenance",
            {
                "classes": ["collapse"],
                "fields": [
                    "duplicate_of",
                    ("source", "external_id"),
                    "import_batch",
                    ("word_count", "content_hash"),
                    ("created_at", "updated_at"),
                ],
            },
        ),
    ]
    actions = [
        "add_tags",
        "remove_tags",
        "set_outlet",
        "reclean",
        "reindex",
        "export_jsonl",
        "delete_selected",
    ]

    def get_changelist(self, request, **kwargs):
        return RankedChangeList

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags", byline_prefetch())

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        try:
            ids, total = ranking.ranked_ids(search_term)
        except ranking.SEARCH_ERRORS as exc:
            self.message_user(
                request,
                f"The search index could not answer ({exc}); titles were searched instead.",
                messages.WARNING,
            )
            return queryset.filter(title__icontains=search_term), False
        if total > len(ids):
            self.message_user(
                request, f"{total} articles match; the best {len(ids)} are listed.", messages.INFO
            )
        if not ids:
            return queryset.none(), False
        rank = Case(
            *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), output_field=IntegerField()
        )
        return queryset.filter(pk__in=ids).annotate(**{RANK: rank}), False

    def get_urls(self):
        view = self.admin_site.admin_view(index_page.search_index_view)
        return [path("search-index/", view, name="archive_search_index"), *super().get_urls()]

    # Columns

    @admin.display(description="title", ordering="title")
    def short_title(self, obj):
        short = Truncator(obj.title).chars(TITLE_SHOWN)
        if short == obj.title:
            return obj.title
        return format_html('<span title="{}">{}</span>', obj.title, short)

    @admin.display(description="outlet / byline", ordering="outlet__name")
    def outlet_and_byline(self, obj):
        byline = ", ".join(obj.author_names)
        outlet = obj.outlet.name if obj.outlet else "-"
        if not byline:
            return outlet
        return format_html('{}<br><span class="byline">{}</span>', outlet, byline)

    @admin.display(description="tags")
    def tag_list(self, obj):
        names = [tag.name for tag in obj.tags.all()]
        if len(names) <= TAGS_SHOWN:
            return ", ".join(names)
        shown = ", ".join(names[:TAGS_SHOWN])
        more = len(names) - TAGS_SHOWN
        return format_html('<span title="{}">{} +{}</span>', ", ".join(names), shown, more)

    @admin.display(description="duplicate")
    def duplicate_marker(self, obj):
        if obj.duplicate_of_id:
            return format_html('<span title="near-duplicate">⧉ of #{}</span>', obj.duplicate_of_id)
        count = getattr(obj, "near_duplicate_count", 0)
        if count:
            return format_html('<span title="has near-duplicates">⧉ {} copies</span>', count)
        return ""

    @admin.display(description="words", ordering="word_count")
    def words(self, obj):
        return obj.word_count

    @admin.display(description="raw text (as received)")
    def raw_text_panel(self, obj):
        return format_html('<pre class="raw-text">{}</pre>', obj.raw_text or "(no raw text)")

    # Bulk actions

    @admin.action(description="Add tags to the selected articles", permissions=["change"])
    def add_tags(self, request, queryset):
        def apply(form):
            tags, said = list(form.cleaned_data["tags"]), []
            if form.cleaned_data["new_name"]:
                kind = form.cleaned_data["new_kind"] or Tag.Kind.TOPIC
                tag, created = curation.tag_named(kind=kind, name=form.cleaned_data["new_name"])
                said += [f"Created the tag {tag}."] if created else []
                tags += [tag] if tag not in tags else []
            report = curation.articles_add_tags(articles=queryset, tags=tags)
            said += [_added_sentence(row) for row in report]
            level = messages.SUCCESS if any(r.added for r in report) else messages.WARNING
            return " ".join(said), level

        return action_page(
            self, request, queryset, form_class=AddTagsForm, title="Add tags", apply=apply
        )

    @admin.action(description="Remove tags from the selected articles", permissions=["change"])
    def remove_tags(self, request, queryset):
        def apply(form):
            count = curation.articles_remove_tags(articles=queryset, tags=form.cleaned_data["tags"])
            return f"Removed tags from {count} articles."

        return action_page(
            self, request, queryset, form_class=TagsForm, title="Remove tags", apply=apply
        )

    @admin.action(description="Set the outlet of the selected articles", permissions=["change"])
    def set_outlet(self, request, queryset):
        def apply(form):
            outlet = form.cleaned_data["outlet"]
            count = curation.articles_set_outlet(articles=queryset, outlet=outlet)
            return f"Set the outlet of {count} articles to {outlet or 'none'}."

        return action_page(
            self, request, queryset, form_class=OutletForm, title="Set outlet", apply=apply
        )

    @admin.action(description="Re-run the cleaner from the raw text", permissions=["change"])
    def reclean(self, request, queryset):
        report = curation.articles_reclean(articles=queryset.defer(None))
        self.message_user(request, f"Cleaned {report.done} articles again.", messages.SUCCESS)
        for error in report.errors[:10]:
            self.message_user(request, error, messages.ERROR)

    @admin.action(description="Reindex the selected articles", permissions=["change"])
    def reindex(self, request, queryset):
        count = curation.articles_reindex(articles=queryset)
        self.message_user(request, f"Sent {count} articles to the search index.", messages.SUCCESS)

    @admin.action(description="Export the selected articles as JSON Lines", permissions=["view"])
    def export_jsonl(self, request, queryset):
        lines = export_jsonl(queryset.defer(None).order_by("pk"))
        response = StreamingHttpResponse(lines, content_type="application/jsonl; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="articles.jsonl"'
        return response


def _added_sentence(row: curation.TagAdded) -> str:
    """ "Oil (topic): added to 1 article, 2 already had it." """
    noun = "article" if row.added == 1 else "articles"
    had = f", {row.already} already had it" if row.already else ""
    return f"{row.tag}: added to {row.added} {noun}{had}."
