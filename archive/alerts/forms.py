"""The forms of the saved-search pages: what a person may type, and its limits."""

import zoneinfo

from django import forms

from archive.alerts.models import SavedSearch
from archive.alerts.webhooks import webhook_address

_ZONES = sorted(zoneinfo.available_timezones())


class SaveSearchForm(forms.Form):
    """The search page's "Save this search": a name and the search's query string."""

    name = forms.CharField(max_length=200)
    query = forms.CharField(max_length=4000, required=False, widget=forms.HiddenInput)


class SavedSearchForm(forms.ModelForm):
    """A saved search's name, words and channels (its filters change on the search page)."""

    q = forms.CharField(label="Words", max_length=1000, required=False)
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=[(z, z) for z in _ZONES],
        help_text="For daily and weekly digests.",
    )

    field_order = ["name", "q", "email_frequency", "timezone", "feed_enabled"]

    class Meta:
        model = SavedSearch
        fields = ["name", "email_frequency", "timezone", "feed_enabled"]
        labels = {"email_frequency": "E-mail", "feed_enabled": "Private feed on"}


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Webhook address",
        max_length=1000,
        assume_scheme="https",
        validators=[webhook_address],
    )
