"""OpenAPI generation: every operation documents the JSON errors it can answer."""

from drf_spectacular.openapi import AutoSchema

from archive.api.serializers import ErrorSerializer

_ALWAYS = ("400", "401", "403", "404", "429")
_WITH_BODY = ("413", "415")


class ArchiveAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the ``{"detail", "code"}`` error responses."""

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
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses
