"""Sidebar filters of the article list that Django's field filters cannot express."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, Exists, OuterRef, Q

from archive.models import Article, ArticleAuthor, Author, ImportBatch, Tag

# Long sidebars are useless: show the most used values; any id still works in the URL
# (the tag and author lists link here with ?tag=<id> / ?author=<id>).
MOST_USED = 30
RECENT_BATCHES = 10
MAX_ID = 2**63 - 1  # the largest id a bigint (and SQLite's integer) holds

ArticleTag = Article.tags.through


class TagKindFilter(admin.SimpleListFilter):
    title = "tag kind"
    parameter_name = "tag_kind"

    def lookups(self, request, model_admin):
        return Tag.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Tag.Kind.values:
            has_kind = ArticleTag.objects.filter(article=OuterRef("pk"), tag__kind=self.value())
            return queryset.filter(Exists(has_kind))
        return queryset


class TagFilter(admin.SimpleListFilter):
    """The most used tags, of the kind chosen in the kind filter when there is one."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = Tag.objects.annotate(n=Count("articles")).filter(n__gt=0)
        kind = request.GET.get(TagKindFilter.parameter_name)
        if kind in Tag.Kind.values:
            tags = tags.filter(kind=kind)
        chosen = _chosen_id(self.value())
        top = [(t.pk, str(t)) for t in tags.order_by("-n", "name")[:MOST_USED]]
        if chosen and chosen not in {pk for pk, _ in top}:
            top += [(t.pk, str(t)) for t in Tag.objects.filter(pk=chosen)]
        return [(str(pk), label) for pk, label in top]

    def queryset(self, request, queryset):
        chosen = _chosen_id(self.value())
        if chosen:
            return queryset.filter(
                Exists(ArticleTag.objects.filter(article=OuterRef("pk"), tag=chosen))
            )
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        authors = Author.objects.annotate(n=Count("article_links")).filter(n__gt=0)
        chosen = _chosen_id(self.value())
        top = [(a.pk, a.name) for a in authors.order_by("-n", "name")[:MOST_USED]]
        if chosen and chosen not in {pk for pk, _ in top}:
            top += [(a.pk, a.name) for a in Author.objects.filter(pk=chosen)]
        return [(str(pk), label) for pk, label in top]

    def queryset(self, request, queryset):
        chosen = _chosen_id(self.value())
        if chosen:
            credited = ArticleAuthor.objects.filter(article=OuterRef("pk"), author=chosen)
            return queryset.filter(Exists(credited))
        return queryset


class DuplicatesFilter(admin.SimpleListFilter):
    title = "duplicates"
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Has or is a duplicate"),
            ("is", "Is a duplicate"),
            ("has", "Has duplicates"),
            ("no", "No duplicates"),
        ]

    def queryset(self, request, queryset):
        has = Exists(Article.objects.filter(duplicate_of=OuterRef("pk")))
        value = self.value()
        if value == "yes":
            return queryset.filter(Q(has) | Q(duplicate_of__isnull=False))
        if value == "is":
            return queryset.filter(duplicate_of__isnull=False)
        if value == "has":
            return queryset.filter(has)
        if value == "no":
            return queryset.filter(~has, duplicate_of__isnull=True)
        return queryset


class UntaggedFilter(admin.SimpleListFilter):
    title = "tagged"
    parameter_name = "untagged"

    def lookups(self, request, model_admin):
        return [("yes", "Untagged"), ("no", "Tagged")]

    def queryset(self, request, queryset):
        tagged = Exists(ArticleTag.objects.filter(article=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(~tagged)
        if self.value() == "no":
            return queryset.filter(tagged)
        return queryset


class ImportBatchFilter(admin.SimpleListFilter):
    """The newest batches that stored articles; the import reports link here."""

    title = "import batch"
    parameter_name = "import_batch"

    def lookups(self, request, model_admin):
        batches = ImportBatch.objects.filter(articles__isnull=False).distinct()
        chosen = _chosen_id(self.value())
        top = list(batches.order_by("-started_at")[:RECENT_BATCHES])
        if chosen and chosen not in {b.pk for b in top}:
            top += list(ImportBatch.objects.filter(pk=chosen))
        return [(str(b.pk), str(b)) for b in top]

    def queryset(self, request, queryset):
        chosen = _chosen_id(self.value())
        return queryset.filter(import_batch=chosen) if chosen else queryset


def _chosen_id(value: str | None) -> int | None:
    """The id chosen in the URL (None: none is). A value no row can have (not a number,
    past the database's integers) is Django's IncorrectLookupParameters: the list opens
    again unfiltered, "?e=1", as for a bad value of its own filters."""
    if value is None:
        return None
    try:
        chosen = int(value)
    except ValueError:
        chosen = 0
    if not 0 < chosen <= MAX_ID:
        raise IncorrectLookupParameters(f"{value!r} is not an id")
    return chosen
