"""Every error under /api/ is JSON with a ``detail`` a person can read, never an HTML page."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from archive.ingest.draft import IngestError
from config.middleware import DATABASE_DOWN, DATABASE_ERRORS, RETRY_AFTER
from search.service import query_problem
from search.types import InvalidParams, InvalidQuery, SearchTooCostly, SearchUnavailable

logger = logging.getLogger(__name__)
INTERNAL_ERROR = "Internal error; it has been logged."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Search is unavailable right now; try again in a minute."
    default_code = "search_unavailable"


class TooCostly(ServiceUnavailable):
    default_detail = "This search took too long to finish right now; try again in a few seconds."
    default_code = "search_too_costly"

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.wait = retry_after  # DRF's handler sends it as Retry-After


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = DATABASE_DOWN
    default_code = "database_unavailable"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with stored data."
    default_code = "conflict"


def _flatten(errors, prefix: str = "") -> list[str]:
    """``{"date_from": ["Wrong format."]}`` -> ``["date_from: Wrong format."]``."""
    if isinstance(errors, dict):
        return [
            line
            for key, value in errors.items()
            for line in _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        ]
    if isinstance(errors, list):
        return [line for item in errors for line in _flatten(item, prefix)]
    if prefix and prefix != "non_field_errors":
        return [f"{prefix}: {errors}"]
    return [str(errors)]


def _domain_error(exc: Exception) -> exceptions.APIException | None:
    """Map the archive's domain errors (and Django's) to DRF exceptions."""
    if isinstance(exc, InvalidParams):
        return exceptions.ValidationError(exc.errors, code="invalid")
    if isinstance(exc, InvalidQuery | IngestError):
        return exceptions.ValidationError({"detail": str(exc)}, code="invalid")
    if isinstance(exc, SearchTooCostly):
        logger.warning("search too costly: %s", exc)
        return TooCostly(str(exc), exc.retry_after)
    if isinstance(exc, SearchUnavailable):
        logger.warning("search unavailable: %s", exc)
        return ServiceUnavailable()
    if isinstance(exc, DATABASE_ERRORS):
        logger.error("database unavailable", exc_info=exc)
        return DatabaseUnavailable()
    if isinstance(exc, ProtectedError):
        count = len(exc.protected_objects)
        return Conflict(f"Still used by {count} article(s); move or delete them first.")
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(str(exc) or "The request body is larger than allowed.")
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(f"The request was refused: {exc}")
    return None


def _with_accepted_types(detail: str, view) -> str:
    """A 415's message, ending with the media types the endpoint reads."""
    parsers = view.get_parsers() if view is not None and hasattr(view, "get_parsers") else []
    types = list(dict.fromkeys(parser.media_type for parser in parsers))
    if not types or "Send " in detail:
        return detail
    return f"{detail} Accepted: {', '.join(types)}."


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's handler with one envelope: ``{"detail", "code"}`` plus ``"errors"`` for fields."""
    exc = _domain_error(exc) or exc
    if not isinstance(exc, exceptions.APIException):
        # A bug: log it with the traceback, answer JSON rather than Django's HTML page.
        logger.exception("unhandled error in %s", context.get("view"), exc_info=exc)
        return Response(
            {"detail": INTERNAL_ERROR, "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        text = _with_accepted_types(str(exc.detail), context.get("view"))
        exc.detail = exceptions.ErrorDetail(text, code=exc.detail.code)
    response = exception_handler(exc, context)
    if response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE and not getattr(exc, "wait", 0):
        response["Retry-After"] = RETRY_AFTER
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        only_detail = set(errors) == {"detail"}
        body = {
            "detail": "; ".join(_flatten(errors.get("detail") if only_detail else errors)),
            "code": "invalid",
        }
        if not only_detail:
            body["errors"] = errors
        response.data = body
    else:
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response


@csrf_exempt  # else a POST with a cookie gets Django's HTML CSRF page instead of this 404
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any /api/ path that names no endpoint."""
    hint = "" if request.path.endswith("/") else f" (did you mean {request.path}/ ?)"
    return JsonResponse(
        {
            "detail": f"No API endpoint at {request.path}{hint}; see /api/docs/.",
            "code": "not_found",
        },
        status=404,
    )


def not_understood(problem: str, name: str = "q") -> exceptions.ValidationError:
    """The 400 of a query the API will not search: never its words read literally."""
    return exceptions.ValidationError({name: f"the query could not be understood: {problem}"})


def understood(q: str, name: str = "q") -> None:
    """Raise ``not_understood`` before any work when ``q`` cannot be understood."""
    if problem := query_problem(q):
        raise not_understood(problem, name)
