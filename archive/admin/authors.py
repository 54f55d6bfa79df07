"""Authors in the admin: article counts and merge."""

from django.contrib import admin
from django.db.models import Count

from archive import curation
from archive.admin.counts import articles_link
from archive.admin.intermediate import merge_page
from archive.models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    actions = ["merge_authors", "delete_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("article_links"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return articles_link(obj.article_count, author=obj.pk)

    @admin.action(description="Merge the selected authors into one", permissions=["change"])
    def merge_authors(self, request, queryset):
        return merge_page(
            self,
            request,
            queryset,
            merge=curation.authors_merge,
            title="Merge authors",
            intro="The one you choose is credited wherever the others were; "
            "the others are deleted.",
            report=lambda target, others, moved: (
                f"Merged into {target}: {moved} articles now credit them."
            ),
        )
