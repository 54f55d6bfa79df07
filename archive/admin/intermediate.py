"""The intermediate page of an admin action: choose or confirm, then apply.

The page posts back to the change list with the same action, the selected ids (or
``select_across``) and ``apply``; the action then runs for real.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.template.response import TemplateResponse

from archive.admin.forms import MergeForm

SHOWN = 50  # selected objects listed on the page; the rest are counted


def action_page(
    modeladmin: admin.ModelAdmin,
    request,
    queryset: QuerySet,
    *,
    form_class: type[forms.Form],
    title: str,
    apply: Callable[[forms.Form], str | tuple[str, int]],
    form_kwargs: dict | None = None,
    intro: str = "",
    table: dict | None = None,
):
    """Show ``form_class`` for the selection; on a valid ``apply`` post, run ``apply(form)``
    and message the sentence it returns (with its level, when it returns one: a
    success by default); then the change list shows again."""
    form_kwargs = form_kwargs or {}
    if "apply" in request.POST:
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            said = apply(form)
            text, level = said if isinstance(said, tuple) else (said, messages.SUCCESS)
            modeladmin.message_user(request, text, level)
            return None
    else:
        form = form_class(**form_kwargs)
    select_across = request.POST.get("select_across") == "1"
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": modeladmin.model._meta,
        "form": form,
        "media": modeladmin.media + form.media,
        "action": request.POST.get("action", ""),
        "select_across": select_across,
        "selected_ids": [] if select_across else list(queryset.values_list("pk", flat=True)),
        "count": queryset.count(),
        "shown": queryset[:SHOWN],
        "table": table,  # {"headings": [...], "rows": [[...], ...]}
        "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/archive/action_page.html", context)


def merge_page(
    modeladmin: admin.ModelAdmin,
    request,
    queryset: QuerySet,
    *,
    merge: Callable[..., int],
    title: str,
    intro: str,
    report: Callable[[object, list, int], str],
):
    """The merge action: choose the one to keep (each shown with its article count, from
    the change list's ``article_count``), then ``merge(target=, others=)``; the others'
    old addresses then lead to it. Fewer than two selected is nothing to merge: refused."""
    if queryset.count() < 2:
        plural = modeladmin.model._meta.verbose_name_plural
        modeladmin.message_user(
            request,
            f"Select at least two {plural} to merge: one to keep and the others.",
            messages.WARNING,
        )
        return None

    def apply(form):
        target = form.cleaned_data["target"]
        others = list(queryset.exclude(pk=target.pk))
        return report(target, others, merge(target=target, others=others))

    return action_page(
        modeladmin,
        request,
        queryset,
        form_class=MergeForm,
        form_kwargs={"choices": queryset},
        title=title,
        intro=intro,
        apply=apply,
        table={
            "headings": [modeladmin.model._meta.verbose_name, "articles"],
            "rows": [[str(obj), _articles(obj)] for obj in queryset[:SHOWN]],
        },
    )


def _articles(obj) -> int | str:
    return getattr(obj, "article_count", "–")
