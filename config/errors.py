"""Django's error views, in JSON under /api/: the API answers its own errors (DRF's
handler, ``archive/api/exceptions.py``), but a request refused before any view runs
(a Host header this site is not, an error in a middleware) reaches these."""

from django.http import JsonResponse
from django.views import defaults

from archive.api.exceptions import INTERNAL_ERROR

API = "/api"


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if _under_api(request.path):
        detail = "The request could not be answered as it was sent."
        return JsonResponse({"detail": detail, "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if _under_api(request.path):
        return JsonResponse({"detail": INTERNAL_ERROR, "code": "server_error"}, status=500)
    return defaults.server_error(request, template_name)


def _under_api(path: str) -> bool:
    return path == API or path.startswith(API + "/")
