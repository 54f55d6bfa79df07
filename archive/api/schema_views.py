"""The OpenAPI schema and its interactive docs (drf-spectacular's views), with their
errors in JSON like the rest of the API: a wrong method, or an Accept header neither can
serve, would otherwise go through their own renderers (YAML, or an HTML template that an
OPTIONS answer has none of: a 500)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer


class JsonErrors:
    """Errors rendered as JSON whatever the view's renderers are; only GET and HEAD."""

    http_method_names = ["get", "head"]

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class SchemaView(JsonErrors, SpectacularAPIView):
    pass


class DocsView(JsonErrors, SpectacularSwaggerView):
    pass
