"""Tags in the admin: kind, aliases and rule editable; counts; merge; apply a rule."""

from django.contrib import admin
from django.db.models import Count
from django.db.models.functions import Lower

from archive import curation
from archive.admin.counts import articles_link
from archive.admin.forms import ConfirmForm, TagAdminForm
from archive.admin.intermediate import action_page, merge_page
from archive.ingest.draft import IngestError
from archive.ingest.tagrules import tag_rule_apply, tag_rule_matches
from archive.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "kind", "alias_list", "rule", "article_count"]
    list_filter = ["kind", "match_mode"]
    search_fields = ["name", "slug", "aliases"]
    ordering = ["kind", Lower("name")]  # "apple" beside "Apple", not after "Zebra"
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "aliases"]}),
        ("Matching rule", {"fields": ["match_mode", "match_pattern"]}),
    ]
    actions = ["merge_tags", "apply_rule", "delete_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(obj.aliases or [])

    @admin.display(description="matching rule", ordering="match_mode")
    def rule(self, obj):
        return _rule(obj) if obj.match_mode != Tag.MatchMode.NONE else ""

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return articles_link(obj.article_count, tag=obj.pk)

    @admin.action(description="Merge the selected tags into one", permissions=["change"])
    def merge_tags(self, request, queryset):
        return merge_page(
            self,
            request,
            queryset,
            merge=curation.tags_merge,
            title="Merge tags",
            intro="Every article of the other tags gets the one you choose; their names "
            "become its aliases and they are deleted.",
            report=lambda target, others, moved: (
                f"Merged {', '.join(tag.name for tag in others)} into {target}: "
                f"{moved} articles re-tagged."
            ),
        )

    @admin.action(
        description="Apply the matching rule to the whole archive", permissions=["change"]
    )
    def apply_rule(self, request, queryset):
        with_rule = [tag for tag in queryset if tag.match_mode != Tag.MatchMode.NONE]
        rows = [] if "apply" in request.POST else [_preview(tag) for tag in queryset]

        def apply(form):
            added, broken = 0, []
            for tag in with_rule:
                try:
                    added += tag_rule_apply(tag)
                except IngestError as exc:
                    broken.append(str(exc))
            done = f"Applied {len(with_rule) - len(broken)} rules: {added} articles newly tagged."
            return f"{done} Not applied: {'; '.join(broken)}." if broken else done

        return action_page(
            self,
            request,
            queryset,
            form_class=ConfirmForm,
            title="Apply matching rules",
            intro="The articles each rule matches now; apply to tag those not yet tagged.",
            table={"headings": ["tag", "rule", "matches", "not yet tagged"], "rows": rows},
            apply=apply,
        )


def _preview(tag: Tag) -> list:
    """One row of the apply-rule page: the tag, its rule, matches, not yet tagged."""
    if tag.match_mode == Tag.MatchMode.NONE:
        return [str(tag), "no rule", "–", "–"]
    rule = _rule(tag)
    try:
        matches = tag_rule_matches(tag)
        return [str(tag), rule, matches.count(), matches.exclude(tags=tag).count()]
    except IngestError as exc:
        return [str(tag), rule, f"invalid rule: {exc}", "–"]


def _rule(tag: Tag) -> str:
    return f"{tag.get_match_mode_display()}: {tag.match_pattern or '(name and aliases)'}"
