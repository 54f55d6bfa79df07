"""Browser pages for single archive objects."""

from django.shortcuts import get_object_or_404, redirect, render

from archive.models import Article, Author, Outlet, Tag


def article_detail(request, pk: int, slug: str = ""):
    article = get_object_or_404(
        Article.objects.select_related("outlet").prefetch_related("tags", "author_links__author"),
        pk=pk,
    )
    if slug != article.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]:
        return redirect(article, permanent=True)
    return render(request, "archive/article_detail.html", {"article": article})


def _listing(request, title: str, articles):
    return render(
        request,
        "archive/article_list.html",
        {"title": title, "articles": articles.select_related("outlet")[:100]},
    )


def outlet_detail(request, slug: str):
    outlet = get_object_or_404(Outlet, slug=slug)
    return _listing(request, outlet.name, outlet.articles.all())


def author_detail(request, slug: str):
    author = get_object_or_404(Author, slug=slug)
    return _listing(request, author.name, author.articles.all())


def tag_detail(request, kind: str, slug: str):
    tag = get_object_or_404(Tag, kind=kind, slug=slug)
    return _listing(request, tag.name, tag.articles.all())
