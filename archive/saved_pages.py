"""Pages of saved searches: save the search on the page, "My searches", edit, delete.

Only for the signed-in owner: another user's saved search is a 404, as if it did not
exist. Every change is a POST with its CSRF token; the changes themselves are
``archive.alerts.services``; the search's parameters are read by the search's own rules.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from archive.alerts import services
from archive.alerts.forms import SavedSearchForm, SaveSearchForm, WebhookForm
from archive.alerts.models import SavedSearch, Webhook
from search.alerts import saved_params, saved_params_problems, saved_words
from search.request import UrlState


def _own(request: HttpRequest, pk: int) -> SavedSearch:
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)


def search_url(saved: SavedSearch) -> str:
    """The search page showing a saved search's results."""
    return UrlState.from_query(saved.params).url(reverse("web:search"))


def feed_address(request: HttpRequest, saved: SavedSearch) -> str:
    return request.build_absolute_uri(reverse("web:saved-feed", args=[saved.feed_token]))


def _refuse_problems(params: dict, *, before: dict | None = None) -> None:
    """Raise ``ValidationError`` naming why ``params`` cannot be saved
    (``saved_params_problems``), leaving out what the search had ``before``: one saved
    before the rule was kept can still be renamed."""
    problems = saved_params_problems(params)
    if before is not None:
        had = set(saved_params_problems(before))  # read once, not once a problem
        problems = [p for p in problems if p not in had]
    if problems:
        raise ValidationError([f"Not saved: {problem}" for problem in problems])


@login_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    searches = [
        {
            "saved": saved,
            "words": saved_words(saved.params),
            "feed": feed_address(request, saved),
        }
        for saved in services.saved_search_list(user=request.user)
    ]
    return render(request, "archive/saved/list.html", {"searches": searches})


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the search a name (200 characters at most).")
        return redirect("web:saved-searches")
    params = saved_params(QueryDict(form.cleaned_data["query"]))
    try:
        _refuse_problems(params)
        saved = services.saved_search_create(
            user=request.user, name=form.cleaned_data["name"], params=params
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(UrlState.from_query(params).url(reverse("web:search")))
    services.saved_search_visit(saved)  # what it finds now is seen: new counts from here
    messages.success(request, f"Saved “{saved.name}”. New articles it finds will show here.")
    return redirect("web:saved-searches")


@login_required
def saved_search_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a saved search's results; what it had matched is no longer new."""
    saved = _own(request, pk)
    services.saved_search_visit(saved)
    return redirect(search_url(saved))


@login_required
def saved_search_edit(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own(request, pk)
    form = SavedSearchForm(
        request.POST or None, instance=saved, initial={"q": (saved.params.get("q") or [""])[0]}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        words = data.pop("q").strip()
        params = {k: v for k, v in saved.params.items() if k != "q"}
        data["params"] = saved_params({**params, **({"q": [words]} if words else {})})
        try:
            _refuse_problems(data["params"], before=saved.params)
            services.saved_search_update(saved, **data)
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            messages.success(request, f"“{saved.name}” is saved.")
            return redirect("web:saved-searches")
    context = {
        "saved": saved,
        "form": form,
        "words": saved_words(saved.params),
        "search_url": search_url(saved),
        "feed": feed_address(request, saved),
        "webhooks": saved.webhooks.all(),
        "webhook_form": WebhookForm(),
    }
    return render(request, "archive/saved/edit.html", context)


@login_required
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own(request, pk)
    if request.method == "POST":
        saved.delete()
        messages.success(request, f"“{saved.name}” is deleted.")
        return redirect("web:saved-searches")
    return render(request, "archive/saved/delete.html", {"saved": saved})


@login_required
@require_POST
def feed_token_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """``action=renew``: a new feed address; ``revoke``: no feed until renewed."""
    saved = _own(request, pk)
    revoke = request.POST.get("action") == "revoke"
    services.feed_token_renew(saved, enabled=not revoke)
    messages.success(
        request,
        "The feed is off; its old address no longer works."
        if revoke
        else "The feed has a new address; the old one no longer works.",
    )
    return redirect("web:saved-search-edit", pk=saved.pk)


@login_required
@require_POST
def webhook_add(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own(request, pk)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        why = " ".join(form.errors["url"])
        messages.error(request, f"That is not a web address that can take webhooks. {why}")
    else:
        hook = services.webhook_add(saved, url=form.cleaned_data["url"])
        messages.success(
            request,
            f"Webhook added. Its signing secret, shown only now: {hook.secret}",
        )
    return redirect("web:saved-search-edit", pk=saved.pk)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int, hook: int) -> HttpResponse:
    saved = _own(request, pk)
    webhook = get_object_or_404(Webhook, pk=hook, saved_search=saved)
    webhook.delete()
    messages.success(request, f"The webhook to {webhook.url} is removed.")
    return redirect("web:saved-search-edit", pk=saved.pk)
