"""Redirects left by merges and the labels of sources' tag codes, for curators to check.

A redirect is made by a merge (``archive.curation``), never typed in: the admin lists
them and lets a curator delete a wrong one (its old slug is then a 404 again). Labels
come from ``ingest --labels`` or ``label_tags``; a curator may correct a name here, which
applies to tags created from then on (``label_tags`` renames existing ones).
"""

from django.contrib import admin

from archive.models import SlugRedirect, TagLabel


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "old_name", "kind", "target_name", "created_at"]
    list_filter = ["kind"]
    search_fields = ["old_slug", "old_name"]
    readonly_fields = ["kind", "old_slug", "old_name", "outlet", "author", "tag", "created_at"]
    list_select_related = ["outlet", "author", "tag"]

    @admin.display(description="leads to")
    def target_name(self, obj: SlugRedirect) -> str:
        return str(obj.target)

    def has_add_permission(self, request) -> bool:
        return False  # made by merges only


@admin.register(TagLabel)
class TagLabelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    ordering = ["kind", "code"]
