"""``/api/saved-searches/``: a signed-in user's own saved searches and their webhooks.

Any signed-in user (readers too) manages their own; another user's is a 404, an anonymous
request a 401. The search is the search page's parameters ({"q": ["kim"], "outlet":
["yonhap"]}), read by the same rules as the page, strictly: a value the page would
ignore is a 400 here. A webhook's secret is in the answer that creates it, and never again.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.alerts import services
from archive.alerts.models import SavedSearch, Webhook
from search.alerts import SAVED_PARAMS, saved_params, saved_params_problems, saved_words


def _refusal(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"detail": exc.messages})


class SavedSearchSerializer(serializers.ModelSerializer):
    params = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=1000), max_length=50),
        required=False,
        help_text="The search page's parameters, each a list of values: "
        f"{', '.join(SAVED_PARAMS)}. Others (page, size) are not kept.",
    )
    description = serializers.SerializerMethodField(help_text="The search in words.")
    new = serializers.IntegerField(
        read_only=True, help_text="Stories matched since the last visit (copies not counted)."
    )
    feed_url = serializers.SerializerMethodField(help_text="The private Atom feed (no login).")

    class Meta:
        model = SavedSearch
        fields = [
            "id",
            "name",
            "params",
            "description",
            "new",
            "feed_enabled",
            "feed_url",
            "email_frequency",
            "timezone",
            "last_visited_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_visited_at", "created_at", "updated_at"]

    def get_description(self, obj) -> str:
        return saved_words(obj.params)

    def get_feed_url(self, obj) -> str | None:
        if not obj.feed_enabled:
            return None
        request = self.context["request"]
        return request.build_absolute_uri(reverse("web:saved-feed", args=[obj.feed_token]))

    def validate_params(self, value: dict) -> dict:
        if value.get("mode") not in (None, "keyword", ["keyword"]):
            # Alerts match new articles by their words: a search by meaning cannot be kept.
            raise ValidationError("mode: a saved search matches by keywords; leave mode out.")
        value = {name: values for name, values in value.items() if name != "mode"}
        unknown = sorted(set(value) - set(SAVED_PARAMS))
        if unknown:
            raise ValidationError(f"unknown parameters {unknown}; use {', '.join(SAVED_PARAMS)}.")
        kept = saved_params(value)
        if problems := saved_params_problems(kept):
            raise ValidationError(problems)
        return kept

    def validate_timezone(self, value: str) -> str:
        try:
            services.timezone_check(value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from None
        return value

    def create(self, validated_data):
        user = self.context["request"].user
        extra = {k: v for k, v in validated_data.items() if k not in ("name", "params")}
        try:
            saved = services.saved_search_create(
                user=user, name=validated_data["name"], params=validated_data.get("params", {})
            )
            if extra:
                services.saved_search_update(saved, **extra)
        except DjangoValidationError as exc:
            raise _refusal(exc) from None
        return _counted(saved)

    def update(self, instance, validated_data):
        try:
            services.saved_search_update(instance, **validated_data)
        except DjangoValidationError as exc:
            raise _refusal(exc) from None
        return _counted(instance)


def _counted(saved: SavedSearch) -> SavedSearch:
    """The saved search again, with its count of new articles."""
    return services.saved_search_list(user=saved.user).get(pk=saved.pk)


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "enabled",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The HMAC-SHA256 key: shown in this answer only."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class _Own:
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return SavedSearch.objects.none()
        return services.saved_search_list(user=self.request.user).order_by("name", "id")


class SavedSearchListView(_Own, generics.ListCreateAPIView):
    """Your saved searches, with their new-article counts; POST saves one."""

    serializer_class = SavedSearchSerializer


class SavedSearchDetailView(_Own, generics.RetrieveUpdateDestroyAPIView):
    """One of your saved searches."""

    serializer_class = SavedSearchSerializer


class FeedTokenView(_Own, APIView):
    """A new private feed address: the old one stops working at once."""

    @extend_schema(request=None, responses=SavedSearchSerializer)
    def post(self, request, pk: int):
        saved = get_object_or_404(self.get_queryset(), pk=pk)
        services.feed_token_renew(saved)
        return Response(SavedSearchSerializer(saved, context={"request": request}).data)


class _Hooks(_Own):
    def saved(self) -> SavedSearch:
        return get_object_or_404(super().get_queryset(), pk=self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Webhook.objects.none()
        return Webhook.objects.filter(saved_search=self.saved())


class WebhookListView(_Hooks, generics.ListCreateAPIView):
    """A saved search's webhooks (without their secrets); POST adds one and answers its
    secret, once."""

    serializer_class = WebhookSerializer

    @extend_schema(request=WebhookSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request, *args, **kwargs):
        saved = self.saved()  # another user's or none: a 404 before the body is read
        serializer = WebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            hook = services.webhook_add(saved, url=serializer.validated_data["url"])
        except DjangoValidationError as exc:
            raise _refusal(exc) from None
        if serializer.validated_data.get("enabled") is False:
            hook.enabled = False
            hook.save(update_fields=["enabled"])
        return Response(WebhookCreatedSerializer(hook).data, status=201)


class WebhookDetailView(_Hooks, generics.RetrieveUpdateDestroyAPIView):
    """One webhook of a saved search; turn it back on with ``enabled: true``."""

    serializer_class = WebhookSerializer
    lookup_url_kwarg = "hook"

    def perform_update(self, serializer):
        if serializer.validated_data.get("enabled"):  # turned back on: a fresh start
            serializer.save(consecutive_failures=0, disabled_at=None, disabled_reason="")
        else:
            serializer.save()
