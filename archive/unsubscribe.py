"""The page that stops a saved search's e-mail, reached from the link in every alert.

No login: the signed token in the address is the permission. A GET only asks (mail
scanners follow links); the button, or a mail client's RFC 8058 one-click POST, stops
the e-mail. CSRF protection does not apply: the token, not a cookie, authorises the POST.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from archive.alerts.email import saved_search_of_token, unsubscribe
from archive.views import error_page


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    saved_search = saved_search_of_token(token)
    if saved_search is None:
        return error_page(
            request,
            404,
            "Unknown unsubscribe link",
            "This link is not one we sent, or its saved search was deleted.",
        )
    if request.method == "POST":
        unsubscribe(saved_search)
    context = {"saved_search": saved_search, "done": request.method == "POST"}
    response = render(request, "alerts/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to linked sites
    return response
