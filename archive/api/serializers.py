"""Output and input serializers of the archive's resources: articles, outlets, tags, authors."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from archive.ingest.articletext import MAX_AUTHORS, MAX_BODY_CHARS, MAX_TAGS
from archive.ingest.normalize import validate_web_address
from archive.ingest.tagrules import rule_problem
from archive.models import Article, Author, ImportBatch, Outlet, Story, Tag, unique_slug
from search.selectors import attached


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "example": "14:30:00"}
)
class LocalTimeField(serializers.TimeField):
    """A time of day without a zone (OpenAPI's ``format: time`` demands an offset)."""


class OutletRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class AuthorRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class TagRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.CharField()


def author_refs(article: Article) -> list[dict]:
    """Authors in byline order (uses the prefetched ``author_links__author``)."""
    links = attached(article, "author_links")
    return [{"name": a.author.name, "slug": a.author.slug} for a in links]


class ArticleLinks:
    """Absolute ``api_url`` and ``web_url`` of articles; the host is worked out once a request."""

    def __init__(self, request):
        self.base = request.build_absolute_uri("/").rstrip("/") if request is not None else ""
        self.api_articles = reverse("api:article-list")  # the detail URL is this plus "<id>/"

    def api_url(self, article: Article) -> str:
        return f"{self.base}{self.api_articles}{article.pk}/"

    def web_url(self, article: Article) -> str:
        return f"{self.base}{article.get_absolute_url()}"


def links_for(context: dict) -> ArticleLinks:
    if "links" not in context:
        context["links"] = ArticleLinks(context.get("request"))
    return context["links"]


class ArticleLinksMixin(serializers.Serializer):
    """``api_url`` and ``web_url`` of an article, absolute when there is a request."""

    api_url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    def get_api_url(self, obj) -> str:
        return links_for(self.context).api_url(obj)

    def get_web_url(self, obj) -> str:
        return links_for(self.context).web_url(obj)


class ArticleSerializer(ArticleLinksMixin, serializers.ModelSerializer):
    """An article as read; ``raw_text`` only with ``?include=raw``."""

    outlet = OutletRefSerializer(allow_null=True)
    authors = serializers.SerializerMethodField()
    tags = TagRefSerializer(many=True)
    raw_text = serializers.CharField(required=False, help_text="Only with ?include=raw.")
    published_time = LocalTimeField(allow_null=True)
    copy_group = serializers.SerializerMethodField()
    story = serializers.IntegerField(
        source="story_id",
        read_only=True,
        allow_null=True,
        help_text="The story (an event's coverage) it belongs to; null: none.",
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "summary",
            "body",
            "raw_text",
            "url",
            "outlet",
            "published",
            "published_time",
            "authors",
            "tags",
            "language",
            "word_count",
            "duplicate_of",
            "copy_group",
            "story",
            "source",
            "external_id",
            "created_at",
            "updated_at",
            "api_url",
            "web_url",
        ]

    @extend_schema_field(AuthorRefSerializer(many=True))
    def get_authors(self, obj) -> list[dict]:
        return author_refs(obj)

    def get_copy_group(self, obj) -> int:
        """The id of its copy group's original: its own id unless it is a copy."""
        return obj.duplicate_of_id or obj.pk

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("include_raw"):
            data.pop("raw_text", None)
        return data


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "kind": {"type": "string", "enum": list(Tag.Kind.values)},
                },
                "required": ["name"],
            },
        ]
    }
)
class TagInputField(serializers.Field):
    """A tag as in the ingest format: a name, or ``{"name", "kind"}`` (extra keys ignored)."""

    def to_internal_value(self, data) -> dict:
        if isinstance(data, str):
            data = {"name": data}
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise serializers.ValidationError('a tag is a name or {"name": ..., "kind": ...}.')
        kind = data.get("kind", Tag.Kind.TOPIC)
        if kind not in Tag.Kind.values:
            raise serializers.ValidationError(
                f"unknown tag kind {kind!r}; use one of {', '.join(Tag.Kind.values)}."
            )
        if not data["name"].strip():
            raise serializers.ValidationError("a tag name may not be blank.")
        # As DRF's CharField refuses them in every other field: a lone surrogate
        # ("\ud800" in JSON) cannot be stored.
        ProhibitSurrogateCharactersValidator()(data["name"])
        return {"name": data["name"].strip(), "kind": kind}

    def to_representation(self, value):
        return value


class ArticleInputSerializer(serializers.Serializer):
    """What a client sends to create or change an article (the ingest format's fields)."""

    title = serializers.CharField(max_length=500)
    body = serializers.CharField(max_length=MAX_BODY_CHARS)
    summary = serializers.CharField(required=False, allow_blank=True)
    raw_text = serializers.CharField(required=False, allow_blank=True)
    url = serializers.URLField(
        max_length=1000,
        required=False,
        allow_null=True,
        allow_blank=True,
        validators=[validate_web_address],
    )
    outlet = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Outlet.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of an existing outlet.",
    )
    published = serializers.DateField(required=False, allow_null=True)
    published_time = LocalTimeField(required=False, allow_null=True)
    language = serializers.CharField(max_length=16, required=False, allow_blank=True)
    authors = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=MAX_AUTHORS,
        help_text="Names, in byline order.",
    )
    tags = serializers.ListField(
        child=TagInputField(),
        required=False,
        max_length=MAX_TAGS,
        help_text='Names (topics) or {"name", "kind"}; unknown tags are created.',
    )


class _ConflictSafeSerializer(serializers.ModelSerializer):
    """A write that meets a row another request saved after validation (the same name
    or slug, a moment later) is the 400 validation gives that case, not a 500."""

    def create(self, validated_data):
        return self._saved(lambda: super(_ConflictSafeSerializer, self).create(validated_data))

    def update(self, instance, validated_data):
        return self._saved(
            lambda: super(_ConflictSafeSerializer, self).update(instance, validated_data)
        )

    def _saved(self, write):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError:
            what = self.Meta.model._meta.verbose_name
            raise serializers.ValidationError(
                {"slug": f"another {what} with this name or slug was saved meanwhile."}
            ) from None


class OutletSerializer(_ConflictSafeSerializer):
    slug = serializers.SlugField(max_length=200, required=False, allow_unicode=True)

    class Meta:
        model = Outlet
        fields = ["id", "name", "slug", "homepage", "domain", "country", "language"]
        extra_kwargs = {"homepage": {"validators": [validate_web_address]}}

    def validate(self, attrs):
        return _with_slug(self, attrs, Outlet.objects.all())


class AuthorSerializer(_ConflictSafeSerializer):
    slug = serializers.SlugField(max_length=200, required=False, allow_unicode=True)

    class Meta:
        model = Author
        fields = ["id", "name", "slug"]

    def validate(self, attrs):
        return _with_slug(self, attrs, Author.objects.all())


class TagSerializer(_ConflictSafeSerializer):
    slug = serializers.SlugField(max_length=200, required=False, allow_unicode=True)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, help_text="Other spellings."
    )

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "kind", "aliases", "match_mode", "match_pattern"]
        validators = []  # (kind, slug) uniqueness is checked in validate(), after the slug is known

    def validate(self, attrs):
        mode = attrs.get("match_mode", getattr(self.instance, "match_mode", Tag.MatchMode.NONE))
        pattern = attrs.get("match_pattern", getattr(self.instance, "match_pattern", ""))
        problem = rule_problem(mode, pattern)
        if problem is not None:
            raise serializers.ValidationError({"match_pattern": problem.message})
        kind = attrs.get("kind", getattr(self.instance, "kind", Tag.Kind.TOPIC))
        return _with_slug(self, attrs, Tag.objects.filter(kind=kind), what=f"{kind} tag")


def _with_slug(serializer, attrs: dict, scope, *, what: str | None = None) -> dict:
    """Fill a missing slug from the name and refuse one already taken in ``scope``."""
    instance = serializer.instance
    if "slug" not in attrs and ("name" in attrs and instance is None):
        attrs["slug"] = unique_slug(attrs["name"])
    # A change of scope alone (a tag moved to another kind) keeps its slug: checked too.
    slug = attrs.get("slug", getattr(instance, "slug", None))
    if slug is not None:
        taken = scope.filter(slug=slug)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            what = what or scope.model._meta.verbose_name
            raise serializers.ValidationError(
                {"slug": f"another {what} already has slug {slug!r}."}
            )
    return attrs


class ImportReportSerializer(serializers.ModelSerializer):
    """The report of one ingest run: counts and, for each failed item, why."""

    errors = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    linked = serializers.SerializerMethodField(help_text="New articles linked as near-duplicates.")

    def get_linked(self, batch) -> int:
        return getattr(batch, "linked", 0)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "status",
            "source",
            "format",
            "dry_run",
            "created",
            "updated",
            "duplicates",
            "skipped",
            "failed",
            "linked",
            "errors",
            "started_at",
            "finished_at",
        ]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="Per-parameter messages.")


class StorySerializer(serializers.ModelSerializer):
    """A story as listed: its first report's title, its dates and size."""

    api_url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Story
        fields = [
            "id",
            "title",
            "first_published",
            "last_published",
            "size",
            "curated",
            "api_url",
            "web_url",
        ]

    def get_api_url(self, obj) -> str:
        return _absolute(self.context, reverse("api:story-detail", args=[obj.pk]))

    def get_web_url(self, obj) -> str:
        return _absolute(self.context, obj.get_absolute_url())


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class StoryArticleSerializer(ArticleLinksMixin, serializers.Serializer):
    """One write-up of a story, as its page shows it."""

    id = serializers.IntegerField(source="article.pk")
    title = serializers.CharField(source="article.title")
    outlet = OutletRefSerializer(source="article.outlet", allow_null=True)
    published = serializers.DateField(source="article.published", allow_null=True)
    url = serializers.CharField(source="article.url", allow_null=True)
    copy_group = serializers.SerializerMethodField(
        help_text="The id of the copy group's original (the article's own id when it is one)."
    )
    first_report = serializers.BooleanField(source="first")
    adds = serializers.ListField(
        source="added",
        child=serializers.CharField(),
        help_text="Paragraphs that are not in the first report.",
    )

    def get_copy_group(self, version) -> int:
        return version.article.duplicate_of_id or version.article.pk

    def get_api_url(self, version) -> str:
        return links_for(self.context).api_url(version.article)

    def get_web_url(self, version) -> str:
        return links_for(self.context).web_url(version.article)


class StoryDetailSerializer(StorySerializer):
    """A story with its articles in time order and the tags its write-ups share."""

    articles = serializers.SerializerMethodField()
    shared_tags = serializers.SerializerMethodField()

    class Meta(StorySerializer.Meta):
        fields = [*StorySerializer.Meta.fields, "articles", "shared_tags"]

    @extend_schema_field(StoryArticleSerializer(many=True))
    def get_articles(self, obj) -> list[dict]:
        versions = self.context["coverage"].versions
        return StoryArticleSerializer(versions, many=True, context=self.context).data

    @extend_schema_field(TagRefSerializer(many=True))
    def get_shared_tags(self, obj) -> list[dict]:
        return TagRefSerializer(self.context["coverage"].shared_tags, many=True).data
