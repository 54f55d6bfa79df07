"""Forms of the admin: tag editing, the intermediate pages of actions, file upload."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models

from archive.ingest.articletext import article_text_apply, normal_body
from archive.ingest.normalize import content_hash, validate_web_address
from archive.ingest.tagrules import rule_problem
from archive.models import Article, Outlet, Tag


class ArticleAdminForm(forms.ModelForm):
    """Keeps the texts in their normal form, and the text's fingerprint and word count in
    step with an edited body (``articletext``)."""

    class Meta:
        model = Article
        fields = ["body"]  # the admin adds the fields of its fieldsets

    def clean_body(self):
        body = normal_body(self.cleaned_data["body"])
        digest = content_hash(body)
        if digest == content_hash(self.instance.body or ""):
            return body  # the same words (a browser sends other line ends): not a new text
        twin = Article.objects.filter(content_hash=digest).exclude(pk=self.instance.pk)
        twin = twin.only("pk", "title").first()
        if twin:
            raise forms.ValidationError(f"Article #{twin.pk} “{twin.title}” has the same text.")
        return body

    def save(self, commit=True):
        article = super().save(commit=False)
        new_body = "body" in self.changed_data or not article.content_hash
        article_text_apply(
            article,
            title=article.title,
            summary=article.summary,
            body=article.body if new_body else None,
        )
        if commit:
            article.save()
            self.save_m2m()
        return article


class WebAddressField(forms.URLField):
    """An article's url or an outlet's homepage: what ingest accepts, http(s) only."""

    default_validators = [validate_web_address]


# Links typed without a scheme are read as https (Django 6's default, chosen now).
URL_OVERRIDES = {models.URLField: {"form_class": WebAddressField, "assume_scheme": "https"}}


class LinesField(forms.CharField):
    """A list of strings edited as one per line (for JSON list fields such as aliases)."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        lines = (line.strip() for line in (value or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))


class TagAdminForm(forms.ModelForm):
    aliases = LinesField(required=False, help_text="Other spellings of the name, one per line.")

    class Meta:
        model = Tag
        fields = ["name", "slug", "kind", "aliases", "match_mode", "match_pattern"]

    def clean(self):
        data = super().clean()
        problem = rule_problem(data.get("match_mode") or "", data.get("match_pattern") or "")
        if problem is not None:
            self.add_error("match_pattern", problem.message)
        return data


class TagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
    )


class AddTagsForm(TagsForm):
    """Tags to add: chosen among the existing ones, or one named here (created if new)."""

    new_name = forms.CharField(
        required=False,
        max_length=200,
        label="Or a tag by name",
        help_text="Created unless a tag of this kind already has this name or alias.",
    )
    new_kind = forms.ChoiceField(
        choices=Tag.Kind.choices, initial=Tag.Kind.TOPIC, required=False, label="Its kind"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].required = False

    def clean(self):
        data = super().clean()
        data["new_name"] = " ".join((data.get("new_name") or "").split())
        if not data.get("tags") and not data["new_name"]:
            raise forms.ValidationError("Choose tags or name a new one.")
        return data


class OutletForm(forms.Form):
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(),
        required=False,
        help_text="Leave empty to remove the outlet.",
        widget=AutocompleteSelect(Article._meta.get_field("outlet"), admin.site),
    )


class MergeForm(forms.Form):
    """Pick which of the selected objects the others are merged into."""

    target = forms.ModelChoiceField(queryset=None, widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = choices
        self.fields["target"].label = "Merge into"
        self.fields["target"].label_from_instance = _with_count


def _with_count(obj) -> str:
    """A merge choice with its article count, when the change list counted them."""
    count = getattr(obj, "article_count", None)
    return str(obj) if count is None else f"{obj} ({count} article{'s' if count != 1 else ''})"


class ConfirmForm(forms.Form):
    """An intermediate page with nothing to choose, only a confirmation."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField()
    format = forms.ChoiceField(required=False, help_text="Automatic: from each file's extension.")
    outlet = forms.CharField(
        required=False, max_length=200, help_text="Credit every article to this outlet."
    )
    dry_run = forms.BooleanField(
        required=False, label="Dry run", help_text="Read and check everything, store nothing."
    )

    def __init__(self, *args, formats: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("", "Automatic"), *((f, f) for f in formats)]
        self.fields["files"].help_text = (
            f"One or more files the ingest pipeline reads ({', '.join(formats)}); "
            "each becomes one import batch."
        )
