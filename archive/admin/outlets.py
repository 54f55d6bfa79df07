"""Outlets in the admin: article counts and merge."""

from django.contrib import admin
from django.db.models import Count

from archive import curation
from archive.admin.counts import articles_link
from archive.admin.forms import URL_OVERRIDES
from archive.admin.intermediate import merge_page
from archive.models import Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country", "language", "article_count"]
    list_filter = ["country", "language"]
    search_fields = ["name", "domain"]
    ordering = ["name"]
    formfield_overrides = URL_OVERRIDES
    actions = ["merge_outlets", "delete_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return articles_link(obj.article_count, outlet__id__exact=obj.pk)

    @admin.action(description="Merge the selected outlets into one", permissions=["change"])
    def merge_outlets(self, request, queryset):
        return merge_page(
            self,
            request,
            queryset,
            merge=curation.outlets_merge,
            title="Merge outlets",
            intro="The articles of the other outlets move to the one you choose; "
            "the others are deleted.",
            report=lambda target, others, moved: f"Merged into {target}: {moved} articles moved.",
        )
