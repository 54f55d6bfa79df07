"""OpenAPI generation: who may call each operation, and the JSON errors it can answer."""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated

from archive.api.serializers import ErrorSerializer

_ALWAYS = ("400", "401", "403", "404", "429")
_WITH_BODY = ("413", "415")
_MEANING = {
    "400": "A parameter or the body is not valid; `errors` names each one.",
    "401": "No valid token: writes need `Authorization: Token <key>` (reads too when "
    "API_PUBLIC_READS=0); a wrong or revoked token is refused on any request.",
    "403": "Signed in, but without the permission this needs.",
    "404": "No such object, or a page past the end.",
    "409": "Still used by articles; move or delete them first.",
    "413": "The body is larger than API_MAX_UPLOAD_BYTES.",
    "415": "The body's content type is not one this operation reads.",
    "429": "Too many requests; `Retry-After` says when to try again.",
    "503": "Search is unavailable for now; try again later.",
}


class ArchiveAutoSchema(AutoSchema):
    """drf-spectacular's schema, with anonymous reads and the ``{"detail", "code"}`` errors."""

    def get_auth(self):
        auths = super().get_auth()
        # ArchivePermission lets anyone read while API_PUBLIC_READS is on: {} says so.
        # Views for signed-in users only (IsAuthenticated: saved searches) never are.
        private = IsAuthenticated in getattr(self.view, "permission_classes", ())
        if (
            self.method in SAFE_METHODS
            and settings.API_PUBLIC_READS
            and not private
            and {} not in auths
        ):
            auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = list(_ALWAYS)
        if self.method in ("POST", "PUT", "PATCH"):
            codes += _WITH_BODY
        if self.method == "DELETE":
            codes.append("409")
        if getattr(self.view, "may_be_unavailable", False):
            codes.append("503")
        for code in codes:
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=_MEANING[code])
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses


def unicode_patterns(result, generator, request, public):
    """Postprocessing hook: drop each pattern using ``\\w``. Python's ``\\w`` (the
    server's) takes letters of every script; an OpenAPI pattern is an ECMA-262 one, where
    it means [A-Za-z0-9_], so it would refuse slugs the server makes (조선일보)."""
    _drop_word_patterns(result)
    return result


def _drop_word_patterns(node) -> None:
    if isinstance(node, dict):
        if "\\w" in str(node.get("pattern", "")):
            del node["pattern"]
        for value in node.values():
            _drop_word_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _drop_word_patterns(value)
