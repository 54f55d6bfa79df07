"""The tables of saved searches and alerts.

A ``SavedSearch`` is a search a user follows. Each article that comes to match it is an
``AlertMatch`` (once per saved search, whatever the channels). Each match is owed to each
channel the search has: a ``Delivery`` per match and channel, unique, so that an article is
never alerted twice by one channel. Deliveries go out in a ``Dispatch``: one e-mail or one
webhook POST carrying one or more matches, with a fixed id and body, so that a retry after a
crash or a failure sends the same message again (the receiver can tell it has it). Every try
of a dispatch is a ``DeliveryAttempt``: the delivery log.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from archive.alerts.webhooks import webhook_address


def new_token() -> str:
    """An unguessable token for a private feed address (256 bits)."""
    return secrets.token_urlsafe(32)


class SavedSearch(models.Model):
    """A search a user follows under a name, and how they want to hear of new matches."""

    class Frequency(models.TextChoices):
        NEVER = "never", "No e-mail"
        INSTANT = "instant", "At once"
        DAILY = "daily", "Daily digest"
        WEEKLY = "weekly", "Weekly digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    params = models.JSONField(
        default=dict,
        blank=True,
        help_text="The search as the search page's parameters, each a list of values: "
        "{'q': ['kim'], 'outlet': ['yonhap'], 'sort': ['newest']}.",
    )
    feed_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_token,
        help_text="The private feed's address holds it; a new one revokes the old.",
    )
    feed_enabled = models.BooleanField(default=True)
    email_frequency = models.CharField(
        max_length=8, choices=Frequency.choices, default=Frequency.NEVER
    )
    timezone = models.CharField(
        max_length=64, default="UTC", help_text="IANA time zone for daily and weekly digests."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_visited_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the user last opened its results: 'new' counts from it.",
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "saved searches"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name"),
        ]

    def __str__(self):
        return self.name


class Webhook(models.Model):
    """An address that receives a saved search's new matches as signed JSON POSTs."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=1000, validators=[webhook_address])
    secret = models.CharField(
        max_length=64, default=new_token, help_text="Key of the HMAC-SHA256 signature."
    )
    enabled = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.url


class AlertMatch(models.Model):
    """An article that came to match a saved search: alerted once per saved search."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    article = models.ForeignKey(
        "archive.Article", on_delete=models.CASCADE, related_name="alert_matches"
    )
    matched_at = models.DateTimeField(default=timezone.now, db_index=True)
    folded_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="folded",
        help_text="An earlier match this one copies: it is told as 'also in', not sent again.",
    )

    class Meta:
        ordering = ["-matched_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "article"], name="alert_match_unique"),
        ]

    def __str__(self):
        return f"{self.article_id} for {self.saved_search}"


class Dispatch(models.Model):
    """One message to one channel: an e-mail or a webhook POST, with its body fixed when it
    is made, so every retry sends the same message under the same id."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="dispatches"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, null=True, blank=True, related_name="dispatches"
    )
    payload = models.JSONField(
        default=dict, help_text="What is sent: the webhook's JSON body, or the e-mail's parts."
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "dispatches"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="dispatch_due")]

    def __str__(self):
        return f"{self.get_channel_display()} for {self.saved_search} ({self.status})"


class Delivery(models.Model):
    """A match owed to one channel (e-mail, or one webhook): at most one per pair."""

    match = models.ForeignKey(AlertMatch, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Dispatch.Channel.choices)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    dispatch = models.ForeignKey(
        Dispatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        help_text="The message that carries it; empty while it waits for one (a digest).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["match", "webhook"],
                condition=models.Q(channel="webhook"),
                name="delivery_once_per_webhook",
            ),
            models.UniqueConstraint(
                fields=["match"],
                condition=models.Q(channel="email"),
                name="delivery_once_by_email",
            ),
        ]

    def __str__(self):
        return f"{self.match} by {self.channel}"


class DeliveryAttempt(models.Model):
    """One try to send a dispatch: the delivery log."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="tries")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    duration_ms = models.FloatField(default=0.0)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(
        null=True, blank=True, help_text="The HTTP status a webhook answered."
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        outcome = "ok" if self.ok else "failed"
        return f"{self.dispatch_id} at {self.started_at:%Y-%m-%d %H:%M:%S}: {outcome}"
