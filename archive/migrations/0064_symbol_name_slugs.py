"""Outlets, authors and tags whose names have no words were all slugged "untitled", so a
second such name was taken for the first (🦊 credited to 🦆🦆). They are slugged by the
names of their signs now (``archive.models.unique_slug``); this gives the rows kept as
"untitled" that slug, when it is free, with a redirect from "untitled" (old pages, feeds
and saved filters lead to it) and their articles queued for the index (their documents
carry the slug). Backwards, the slugs stay: they are valid either way."""

import unicodedata

from django.db import migrations
from django.utils.text import slugify

FALLBACK = "untitled"


def _sign_slug(name: str) -> str:
    """The slug of a name without words, as ``unique_slug`` made it when this was written
    (a migration does not follow later changes of the function)."""

    def sign(c: str) -> str:
        if unicodedata.category(c) in ("Cc", "Cf"):
            return ""
        return unicodedata.name(c, f"u{ord(c):x}")

    signs = [sign(c) for c in name if unicodedata.category(c)[0] in "PSC"]
    return slugify(" ".join(signs))[:200].strip("-") or FALLBACK


def slug_by_signs(apps, schema_editor):
    Article = apps.get_model("archive", "Article")
    SlugRedirect = apps.get_model("archive", "SlugRedirect")
    IndexChange = apps.get_model("search", "IndexChange")
    kinds = {
        "Outlet": ("outlet", lambda row: Article.objects.filter(outlet=row)),
        "Author": ("author", lambda row: Article.objects.filter(author_links__author=row)),
        "Tag": (None, lambda row: Article.objects.filter(tags=row)),
    }
    for name, (kind, articles) in kinds.items():
        model = apps.get_model("archive", name)
        for row in model.objects.filter(slug=FALLBACK):
            if slugify(row.name) or slugify(row.name, allow_unicode=True):
                continue  # a name with words is never "untitled": left as it is
            slug = _sign_slug(row.name)
            place = {"kind": row.kind} if name == "Tag" else {}
            if slug == FALLBACK or model.objects.filter(slug=slug, **place).exists():
                continue
            model.objects.filter(pk=row.pk).update(slug=slug)
            redirect_kind = kind or row.kind
            if not SlugRedirect.objects.filter(kind=redirect_kind, old_slug=FALLBACK).exists():
                target = {(kind or "tag"): row}
                SlugRedirect.objects.create(kind=redirect_kind, old_slug=FALLBACK, **target)
            ids = articles(row).values_list("pk", flat=True).distinct()
            IndexChange.objects.bulk_create([IndexChange(article_id=pk) for pk in ids])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0063_band_keys_requeued"),
        ("search", "0001_initial"),
    ]

    operations = [migrations.RunPython(slug_by_signs, migrations.RunPython.noop)]
