"""Stories in the admin: sizes and dates, their articles, split and merge."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.admin.changelist import BoundedDates
from archive.admin.intermediate import action_page, merge_page
from archive.models import Story
from archive.stories.curation import stories_merge, story_split, with_copies


class SplitForm(forms.Form):
    """Choose the articles of one story that report another event."""

    articles = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Move to a new story",
        help_text="A copy moves with its original. At least one article must stay.",
    )

    def __init__(self, *args, story: Story, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = story
        field = self.fields["articles"]
        field.queryset = story.articles.select_related("outlet").order_by("published", "id")
        field.label_from_instance = _article_choice

    def clean_articles(self):
        chosen = self.cleaned_data["articles"]
        staying = set(self.story.articles.values_list("pk", flat=True))
        staying -= set(with_copies(a.pk for a in chosen))
        if not staying:
            raise forms.ValidationError("Leave at least one article in the story.")
        return chosen


def _article_choice(article) -> str:
    outlet = article.outlet.name if article.outlet else "no outlet"
    copy = f" (copy of #{article.duplicate_of_id})" if article.duplicate_of_id else ""
    return f"{article.published or 'undated'} · {outlet} · {article.title}{copy}"


@admin.register(Story)
class StoryAdmin(BoundedDates, admin.ModelAdmin):
    list_display = ["__str__", "article_count", "first_published", "last_published", "curated"]
    list_filter = ["curated"]
    search_fields = ["title"]
    date_hierarchy = "first_published"
    fields = ["title", "first_published", "last_published", "size", "curated", "articles_list"]
    readonly_fields = ["title", "first_published", "last_published", "size", "articles_list"]
    actions = ["split_story", "merge_stories"]

    def has_add_permission(self, request):
        return False  # stories come from grouping, a split or a merge

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description="articles")
    def articles_list(self, obj):
        articles = obj.articles.select_related("outlet").order_by("published", "id")
        rows = (
            (
                reverse("admin:archive_article_change", args=[a.pk]),
                a.title,
                a.outlet.name if a.outlet else "",
                a.published or "",
            )
            for a in articles
        )
        items = format_html_join("", '<li><a href="{}">{}</a> · {} · {}</li>', rows)
        page = format_html('<p><a href="{}">The story\'s page</a></p>', obj.get_absolute_url())
        return format_html("{}<ol>{}</ol>", page, items)

    @admin.action(description="Split the selected story", permissions=["change"])
    def split_story(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select one story to split.", messages.WARNING)
            return None
        story = queryset.get()

        def apply(form):
            new = story_split(
                story=story, article_ids=[a.pk for a in form.cleaned_data["articles"]]
            )
            return f"Split “{story}”: {new.size} articles moved to the new story “{new}”."

        return action_page(
            self,
            request,
            queryset,
            form_class=SplitForm,
            form_kwargs={"story": story},
            title="Split a story",
            intro="The articles you tick become a story of their own. Both stories are "
            "marked curated: regrouping will not move their articles again.",
            apply=apply,
        )

    @admin.action(description="Merge the selected stories into one", permissions=["change"])
    def merge_stories(self, request, queryset):
        return merge_page(
            self,
            request,
            queryset,
            merge=stories_merge,
            title="Merge stories",
            intro="The articles of the other stories move to the one you choose, which is "
            "marked curated; the others are deleted.",
            report=lambda target, others, moved: f"Merged into “{target}”: {moved} articles moved.",
        )
