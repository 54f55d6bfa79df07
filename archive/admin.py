from django.contrib import admin

from archive.models import Article, Author, ImportBatch, Outlet, Tag


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "word_count"]
    list_filter = ["outlet", "language"]
    search_fields = ["title"]
    date_hierarchy = "published"


admin.site.register(Outlet)
admin.site.register(Author)
admin.site.register(Tag)
admin.site.register(ImportBatch)
