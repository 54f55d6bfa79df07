"""Saved searches, webhooks and dispatches (with their deliveries and tries) in the admin.

Users make and change their saved searches and webhooks on the site; the admin is where an
operator looks at what was sent, why a webhook is off, and retries. It is for superusers
(or staff given these permissions one by one): saved searches are users' private
interests and webhook secrets are credentials, so the Editors and Readers groups get no
permission on them. A webhook's secret is never shown.
"""

import json

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from archive.admin.changelist import BoundedDates
from archive.admin.forms import URL_OVERRIDES
from archive.alerts import sending
from archive.alerts.models import Delivery, DeliveryAttempt, Dispatch, SavedSearch, Webhook
from archive.alerts.tasks import send_dispatch


def _enqueue(ids) -> None:
    for dispatch_id in ids:
        send_dispatch.enqueue(str(dispatch_id))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WebhookInline(ReadOnlyInline):
    model = Webhook
    fields = readonly_fields = ["url", "enabled", "consecutive_failures", "disabled_at"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "email_frequency", "feed_enabled", "timezone", "created_at"]
    list_filter = ["email_frequency", "feed_enabled"]
    search_fields = ["name", "user__username", "user__email"]
    list_select_related = ["user"]
    fields = [
        "user",
        "name",
        "params",
        "email_frequency",
        "timezone",
        "feed_enabled",
        "last_visited_at",
        "last_digest_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "user",
        "params",
        "last_visited_at",
        "last_digest_at",
        "created_at",
        "updated_at",
    ]
    inlines = [WebhookInline]

    def has_add_permission(self, request) -> bool:
        return False  # a user saves a search from the search page


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "saved_search", "enabled", "consecutive_failures", "disabled_at"]
    list_filter = ["enabled"]
    search_fields = ["url", "saved_search__name", "saved_search__user__username"]
    list_select_related = ["saved_search"]
    fields = [
        "saved_search",
        "url",
        "enabled",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]
    readonly_fields = [
        "saved_search",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]
    actions = ["enable_webhooks"]
    formfield_overrides = URL_OVERRIDES

    def has_add_permission(self, request) -> bool:
        return False  # added with its saved search's settings, where its secret is shown

    @admin.action(description="Turn on again and retry what they missed", permissions=["change"])
    def enable_webhooks(self, request, queryset):
        ids = sending.webhooks_enable(list(queryset.values_list("pk", flat=True)))
        _enqueue(ids)
        self.message_user(
            request,
            f"{queryset.count()} webhooks on; {len(ids)} waiting messages to be sent now.",
            messages.SUCCESS,
        )


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = readonly_fields = ["article", "channel", "webhook", "created_at"]
    show_change_link = False

    @admin.display(description="article")
    def article(self, obj: Delivery) -> str:
        return str(obj.match.article)


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = readonly_fields = ["started_at", "duration_ms", "ok", "status_code", "error"]
    show_change_link = False
    verbose_name = "try"
    verbose_name_plural = "tries (the delivery log)"


@admin.register(Dispatch)
class DispatchAdmin(BoundedDates, admin.ModelAdmin):
    list_display = [
        "id",
        "saved_search",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["saved_search__name", "webhook__url", "last_error"]
    list_select_related = ["saved_search"]
    date_hierarchy = "created_at"
    fields = [
        "saved_search",
        "channel",
        "webhook",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "created_at",
        "body",
    ]
    readonly_fields = fields
    inlines = [DeliveryInline, AttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request) -> bool:
        return False  # made from matches only

    @admin.display(description="last error")
    def error(self, obj: Dispatch) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.display(description="what is sent")
    def body(self, obj: Dispatch):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    @admin.action(description="Retry the selected now", permissions=["change"])
    def retry_now(self, request, queryset):
        ids = sending.dispatches_retry(list(queryset.values_list("pk", flat=True)))
        _enqueue(ids)
        skipped = queryset.count() - len(ids)
        text = f"{len(ids)} messages to be sent now; their webhooks are on again."
        if skipped:
            text += f" {skipped} already sent were left alone."
        self.message_user(request, text, messages.SUCCESS)
