"""Outlets, authors and tags whose names have no words were all slugged "untitled", so a
second such name was taken for the first (🦊 credited to 🦆🦆). They are slugged by the
names of their signs now (``unique_slug``); this gives the rows kept as "untitled" their
slug, when it is free. Backwards, the slugs stay: they are valid either way."""

from django.db import migrations

from archive.models import unique_slug

FALLBACK = "untitled"


def slug_by_signs(apps, schema_editor):
    for name, same_place in (("Outlet", ()), ("Author", ()), ("Tag", ("kind",))):
        model = apps.get_model("archive", name)
        for row in model.objects.filter(slug=FALLBACK):
            slug = unique_slug(row.name)
            place = {field: getattr(row, field) for field in same_place}
            if slug != FALLBACK and not model.objects.filter(slug=slug, **place).exists():
                model.objects.filter(pk=row.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [("archive", "0063_band_keys_requeued")]

    operations = [migrations.RunPython(slug_by_signs, migrations.RunPython.noop)]
