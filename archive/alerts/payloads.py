"""What a dispatch carries, made once when the dispatch is made: the webhook's JSON body,
or the e-mail's subject, text and HTML parts. A retry sends these again unchanged."""

from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from archive.alerts.models import AlertMatch, Dispatch, SavedSearch


def site_url(path: str) -> str:
    """An absolute address on the site as readers reach it (ALERTS_SITE_URL)."""
    return settings.ALERTS_SITE_URL + path


def search_url(saved_search: SavedSearch) -> str:
    """The search page showing the saved search's results."""
    query = urlencode(saved_search.params or {}, doseq=True)
    return site_url(reverse("web:search") + (f"?{query}" if query else ""))


def article_entries(matches: list[AlertMatch]) -> list[dict]:
    """One entry per match, oldest article first; copies folded into a match (already
    there, or matched with it) are named under ``also_in`` rather than sent again."""
    also_in = _copies_outlets([m.pk for m in matches])
    entries = []
    for match in sorted(matches, key=lambda m: (m.article.published or m.matched_at.date(), m.pk)):
        article = match.article
        entries.append(
            {
                "id": article.pk,
                "title": article.title,
                "outlet": article.outlet.name if article.outlet else None,
                "published": article.published.isoformat() if article.published else None,
                "url": article.url or None,
                "web_url": site_url(article.get_absolute_url()),
                "also_in": also_in.get(match.pk, []),
            }
        )
    return entries


def _copies_outlets(match_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    copies = AlertMatch.objects.filter(folded_into__in=match_ids).select_related("article__outlet")
    for copy in copies.order_by("id"):
        outlet = copy.article.outlet
        names = found.setdefault(copy.folded_into_id, [])
        if outlet and outlet.name not in names:
            names.append(outlet.name)
    return found


def webhook_payload(dispatch: Dispatch, entries: list[dict]) -> dict:
    """The JSON body POSTed to a webhook (documented in README "Webhooks")."""
    saved_search = dispatch.saved_search
    return {
        "dispatch": str(dispatch.pk),
        "created_at": dispatch.created_at.isoformat(),
        "saved_search": {
            "id": saved_search.pk,
            "name": saved_search.name,
            "url": search_url(saved_search),
        },
        "articles": entries,
    }


def email_payload(dispatch: Dispatch, entries: list[dict], *, unsubscribe_url: str) -> dict:
    """The e-mail's parts: a subject naming the search and the count, text and HTML."""
    saved_search = dispatch.saved_search
    count = len(entries)
    noun = "article" if count == 1 else "articles"
    kind = {"daily": "Daily digest: ", "weekly": "Weekly digest: "}.get(
        saved_search.email_frequency, ""
    )
    context = {
        "saved_search": saved_search,
        "search_url": search_url(saved_search),
        "articles": entries,
        "count": count,
        "noun": noun,
        "unsubscribe_url": unsubscribe_url,
    }
    return {
        "to": saved_search.user.email,
        "subject": f'{kind}{count} new {noun} for "{saved_search.name}"',
        "text": render_to_string("alerts/email.txt", context),
        "html": render_to_string("alerts/email.html", context),
        "unsubscribe_url": unsubscribe_url,
    }


def notice_payload(saved_search: SavedSearch, *, subject: str, template: str, context: dict):
    """A message to a saved search's owner about the search itself (a webhook turned off)."""
    context = {"saved_search": saved_search, "search_url": search_url(saved_search), **context}
    return {
        "to": saved_search.user.email,
        "subject": subject,
        "text": render_to_string(template, context),
        "html": "",
        "unsubscribe_url": "",
    }
