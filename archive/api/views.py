"""Thin views: validate parameters, call the search service or a selector, serialize."""

from dataclasses import replace
from pathlib import PurePath

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, UnsupportedMediaType, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.api import params as p
from archive.api.exceptions import PayloadTooLarge, not_understood
from archive.api.parsers import (
    CSVRenderer,
    JSONLinesRenderer,
    RawJSONLinesParser,
    RawJSONParser,
    RawNDJSONParser,
    RawUpload,
    accepted_uploads,
    declared_length,
    too_large_message,
)
from archive.api.search_serializers import (
    SearchResponseSerializer,
    SimilarResponseSerializer,
    SuggestResponseSerializer,
    hits_data,
    search_response_data,
)
from archive.api.selectors import article_list, story_list, with_relations
from archive.api.serializers import (
    ArticleInputSerializer,
    ArticleSerializer,
    AuthorSerializer,
    ImportReportSerializer,
    OutletSerializer,
    StoryDetailSerializer,
    StorySerializer,
    TagSerializer,
)
from archive.api.services import article_create, article_update
from archive.api.throttling import AnonThrottle, ExportThrottle
from archive.ingest.decode import ARCHIVE_REFUSAL, archive_kind
from archive.ingest.run import ingest_upload
from archive.models import Article, Author, Outlet, Story, Tag
from archive.stories.coverage import story_coverage
from search import service as search_service
from search.export.spec import MEDIA_TYPES, read_spec
from search.export.stream import Export
from search.maintenance import index_catch_up
from search.request import api_search


def validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def include_raw(request) -> bool:
    return "raw" in validated(p.IncludeParams, request.GET).get("include", ())


class SearchView(APIView):
    """Full-text search with filters, facets, a histogram and highlights."""

    permission_model = Article
    may_be_unavailable = True

    @extend_schema(parameters=p.search_parameters(), responses=SearchResponseSerializer)
    def get(self, request):
        parsed = api_search(request.GET)  # InvalidParams: a 400 naming each bad parameter
        result = search_service.search(parsed.request)
        result = replace(result, notices=(*parsed.notices, *result.notices))
        if result.query_error:
            raise not_understood(result.query_error)
        if result.page > result.pages:
            raise NotFound(f"Page {result.page} is past the end: there are {result.pages} pages.")
        return Response(search_response_data(result, request))


class SimilarView(APIView):
    """Articles most like this one (more like this), excluding itself and its duplicates."""

    permission_model = Article
    may_be_unavailable = True

    @extend_schema(parameters=[p.SimilarParams], responses=SimilarResponseSerializer)
    def get(self, request, pk: int):
        limit = validated(p.SimilarParams, request.GET)["limit"]
        article = get_object_or_404(Article.objects.only("pk"), pk=pk)
        hits = search_service.more_like_this(article.pk, limit=limit)
        return Response({"results": hits_data(hits, request)})


class SuggestView(APIView):
    """Autocomplete: titles, tags, outlets and authors starting with ``q``."""

    permission_model = Article
    may_be_unavailable = True

    @extend_schema(parameters=[p.SuggestParams], responses=SuggestResponseSerializer)
    def get(self, request):
        params = validated(p.SuggestParams, request.GET)
        found = search_service.suggest(params["q"], limit=params["limit"]) if params["q"] else []
        return Response(SuggestResponseSerializer({"results": found}).data)


class ArticleListView(generics.ListCreateAPIView):
    """Articles, newest first, filtered; POST ingests one article (editors)."""

    queryset = Article.objects.all()
    serializer_class = ArticleSerializer

    def get_queryset(self):
        filters = validated(p.ArticleListParams, self.request.GET)
        return with_relations(article_list(filters=filters, ordering=filters.get("ordering")))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["include_raw"] = include_raw(self.request)
        return context

    @extend_schema(parameters=[p.ArticleListParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ArticleInputSerializer,
        responses={
            201: ArticleSerializer,
            200: OpenApiResponse(
                ArticleSerializer,
                description="Same text as a stored article: that article, updated.",
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        data = validated(ArticleInputSerializer, request.data)
        stored = article_create(data=data, source=f"api:{request.user.get_username()}")
        created = stored.outcome == "created"
        body = ArticleSerializer(stored.article, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ArticleDetailView(generics.RetrieveUpdateDestroyAPIView):
    """One article; PUT/PATCH change it and DELETE removes it (editors)."""

    queryset = with_relations(Article.objects.all())
    serializer_class = ArticleSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["include_raw"] = include_raw(self.request)
        return context

    @extend_schema(parameters=[p.IncludeParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ArticleInputSerializer, responses=ArticleSerializer)
    def put(self, request, *args, **kwargs):
        return self._change(request, partial=False)

    @extend_schema(request=ArticleInputSerializer, responses=ArticleSerializer)
    def patch(self, request, *args, **kwargs):
        return self._change(request, partial=True)

    def _change(self, request, *, partial: bool):
        article = self.get_object()
        serializer = ArticleInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        article = article_update(article=article, data=serializer.validated_data)
        fresh = self.get_queryset().get(pk=article.pk)
        return Response(ArticleSerializer(fresh, context=self.get_serializer_context()).data)


class OutletListView(generics.ListCreateAPIView):
    """Outlets by name; POST adds one (editors)."""

    queryset = Outlet.objects.all()
    serializer_class = OutletSerializer


class OutletDetailView(generics.RetrieveUpdateDestroyAPIView):
    """One outlet; an outlet that still has articles cannot be deleted (409)."""

    queryset = Outlet.objects.all()
    serializer_class = OutletSerializer


class AuthorListView(generics.ListCreateAPIView):
    """Authors by name; POST adds one (editors)."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class AuthorDetailView(generics.RetrieveUpdateDestroyAPIView):
    """One author."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class TagListView(generics.ListCreateAPIView):
    """Tags by kind and name, with aliases and matching rule; ``?kind=`` filters."""

    serializer_class = TagSerializer
    queryset = Tag.objects.all()

    def get_queryset(self):
        kinds = validated(p.TagListParams, self.request.GET).get("kind")
        return Tag.objects.filter(kind__in=kinds) if kinds else Tag.objects.all()

    @extend_schema(parameters=[p.TagListParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TagDetailView(generics.RetrieveUpdateDestroyAPIView):
    """One tag with its kind, aliases and matching rule."""

    queryset = Tag.objects.all()
    serializer_class = TagSerializer


class StoryListView(generics.ListAPIView):
    """Stories (several outlets' write-ups of one event), newest first, filtered."""

    queryset = Story.objects.all()
    serializer_class = StorySerializer

    def get_queryset(self):
        return story_list(filters=validated(p.StoryListParams, self.request.GET))

    @extend_schema(parameters=[p.StoryListParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StoryDetailView(generics.RetrieveAPIView):
    """One story: its articles in time order, the first report marked, what each adds."""

    queryset = Story.objects.all()
    serializer_class = StoryDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        story = self.get_object()
        context = {**self.get_serializer_context(), "coverage": story_coverage(story)}
        return Response(StoryDetailSerializer(story, context=context).data)


class IngestView(APIView):
    """Bulk ingest (editors): a JSON array or JSON Lines body, or a file in the ``file`` field.

    Answers the import report: counts and, for each failed item, the reason.
    """

    permission_model = Article
    parser_classes = [RawJSONParser, RawNDJSONParser, RawJSONLinesParser, MultiPartParser]

    @extend_schema(
        parameters=[p.IngestParams],
        request={
            "application/json": OpenApiTypes.BINARY,
            "application/x-ndjson": OpenApiTypes.BINARY,
            "application/jsonl": OpenApiTypes.BINARY,
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            },
        },
        responses=ImportReportSerializer,
    )
    def post(self, request):
        options = validated(p.IngestParams, request.GET)
        # Refuse a declared large body, or one we would have to decompress, unread.
        if declared_length(request) > settings.API_MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(too_large_message())
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise UnsupportedMediaType(
                request.content_type,
                f"Content-Encoding {encoding!r} is not accepted: send the body uncompressed.",
            )
        name, data, fmt = self._upload(request)
        kind = archive_kind(data[:512], name)
        if kind:
            raise UnsupportedMediaType(
                request.content_type,
                f"{name} is a {kind} archive: {ARCHIVE_REFUSAL} themselves. {accepted_uploads()}",
            )
        batch = ingest_upload(
            name,
            data,
            fmt=options.get("format") or fmt,
            outlet=options.get("outlet"),
            dry_run=options["dry_run"],
        )
        if batch.changed_articles:
            index_catch_up()  # searchable when the answer comes, unless the index is busy
        return Response(ImportReportSerializer(batch).data)

    def _upload(self, request) -> tuple[str, bytes, str | None]:
        body = request.data
        if isinstance(body, RawUpload):
            if not body.content.strip():
                raise ValidationError({"detail": "The request body is empty."})
            return f"request.{body.fmt}", body.content, body.fmt
        if not request.content_type.startswith("multipart/"):
            raise ValidationError({"detail": "The request body is empty."})
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "Send the articles as a file in the 'file' field."})
        if upload.size > settings.API_MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(too_large_message())
        # Only the base name: a client's path ("../../etc/x.jsonl") means nothing here.
        return PurePath(upload.name or "upload").name, upload.read(), None


class ExportView(APIView):
    """Every hit of a full search, streamed as CSV or JSON Lines, with its manifest.

    The total is in ``X-Total-Count`` before the first row; JSON Lines ends with the
    manifest line, and ``Link: rel="describedby"`` names the manifest URL (for a CSV:
    the same export made again, hashed, without its rows)."""

    permission_model = Article
    may_be_unavailable = True
    throttle_classes = [AnonThrottle, ExportThrottle]
    renderer_classes = [JSONRenderer, JSONLinesRenderer, CSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        # ``format`` names the export's format, read (and refused with a 400) by read_spec.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=p.export_parameters(),
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, a header row."),
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="One JSON object per article, then the manifest."
            ),
        },
    )
    def get(self, request):
        spec = read_spec(request.GET)  # InvalidParams: a 400 naming each bad parameter
        export = opened_export(spec)
        response = StreamingHttpResponse(export, content_type=MEDIA_TYPES[spec.format])
        response["X-Total-Count"] = str(export.total)
        stamp = export.created.strftime("%Y%m%dT%H%M%SZ")
        response["Content-Disposition"] = f'attachment; filename="export-{stamp}.{spec.format}"'
        manifest = request.build_absolute_uri(
            f"{reverse('api:export-manifest')}?{spec.query_string()}"
        )
        response["Link"] = f'<{manifest}>; rel="describedby"; type="application/json"'
        return response


def opened_export(spec) -> Export:
    """The export with its hits found; a query that cannot be understood is a 400, as
    in a search (an export is of what was asked, never of the words taken literally)."""
    export = Export(spec)
    if export.matches.query_error:
        export.close()
        raise not_understood(export.matches.query_error)
    return export


class ExportManifestView(APIView):
    """The manifest of an export made now: its rows hashed, not sent."""

    permission_model = Article
    may_be_unavailable = True
    throttle_classes = [AnonThrottle, ExportThrottle]

    @extend_schema(parameters=p.export_parameters(), responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        export = opened_export(read_spec(request.GET))
        for _chunk in export.body():
            pass
        return Response(export.manifest)
