"""The archive's data: outlets, authors, tags, articles and import batches."""

import unicodedata
from functools import lru_cache

from django.db import models
from django.utils.text import slugify

from archive.paths import page_path


@lru_cache(maxsize=20_000)  # every search's hits link their pages by their titles' slugs
def unique_slug(value: str, max_length: int = 200) -> str:
    """The slug of ``value``, never empty: its words in ASCII, else in their own script
    (조선일보), else the names of its signs (🦊 "fox-face", ??? "question-mark-…"), so that
    names with no words stay apart; "untitled" when it has none of these. Outlets,
    authors and tags are the same when their slugs are."""
    slug = slugify(value)[:max_length].strip("-")
    if not slug:
        slug = slugify(value, allow_unicode=True)[:max_length].strip("-")
    if not slug:
        signs = [_sign_name(c) for c in value if unicodedata.category(c)[0] in "PSC"]
        slug = slugify(" ".join(signs))[:max_length].strip("-")
    return slug or "untitled"


def _sign_name(sign: str) -> str:
    """A sign's Unicode name; one this Python's tables do not name yet (a new emoji, a
    private-use character) is written by its code point, u1fae8, to stay apart too.
    Format and control characters (a zero-width space) name nothing."""
    if unicodedata.category(sign) in ("Cc", "Cf"):
        return ""
    return unicodedata.name(sign, f"u{ord(sign):x}")


class Outlet(models.Model):
    """A publication: a newspaper, a wire service, a site."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    homepage = models.URLField(blank=True)
    domain = models.CharField(max_length=200, blank=True, db_index=True)
    country = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_path("web:outlet", slug=self.slug)


class Author(models.Model):
    """A person credited in a byline; may write for several outlets."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_path("web:author", slug=self.slug)

    @property
    def outlets(self):
        return Outlet.objects.filter(articles__authors=self).distinct()


class Tag(models.Model):
    """A label of one kind; aliases are other spellings, the rule tags new articles."""

    class Kind(models.TextChoices):
        TOPIC = "topic", "Topic"
        PERSON = "person", "Person"
        PLACE = "place", "Place"
        ORGANIZATION = "organization", "Organisation"  # as pages write it (archive.labels)
        OTHER = "other", "Other"

    class MatchMode(models.TextChoices):
        NONE = "none", "Never applied automatically"
        ANY = "any", "Any of the words"
        ALL = "all", "All of the words"
        PHRASE = "phrase", "Exact phrase (or any alias)"
        REGEX = "regex", "Regular expression"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TOPIC)
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings of the name.")
    match_mode = models.CharField(max_length=8, choices=MatchMode.choices, default=MatchMode.NONE)
    match_pattern = models.TextField(
        blank=True, help_text="Words, phrase or regular expression for the matching rule."
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="tag_unique_kind_slug"),
        ]

    def __str__(self):
        return f"{self.name} ({self.kind})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_path("web:tag", kind=self.kind, slug=self.slug)

    @property
    def spellings(self) -> list[str]:
        """The name and every alias, without repeats."""
        seen = {}
        for spelling in [self.name, *(self.aliases or [])]:
            if spelling and spelling.casefold() not in seen:
                seen[spelling.casefold()] = spelling
        return list(seen.values())


class ImportBatch(models.Model):
    """One run of the ingest pipeline, with its counts and per-item errors."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=500, help_text="Files, folder or upload imported.")
    format = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    dry_run = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list,
        blank=True,
        help_text="[{'file', 'item', 'reason', 'level'}] for each failed or skipped item "
        "(level 'failed' when absent) and each warning.",
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"Import of {self.source} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def changed_articles(self) -> bool:
        """Whether the run created or changed articles (a dry run keeps none)."""
        return not self.dry_run and bool(self.created + self.updated)


class Story(models.Model):
    """Coverage of one event: the write-ups of several outlets within a few days, each
    with its copies (an article's ``duplicate_of``). Grouped at ingest and rebuilt by
    ``manage.py group_articles``; curators split and merge stories in the admin."""

    title = models.CharField(max_length=500, blank=True, help_text="The first report's title.")
    first_published = models.DateField(null=True, blank=True, db_index=True)
    last_published = models.DateField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0, help_text="Articles in the story, copies too.")
    curated = models.BooleanField(
        default=False,
        help_text="Split or merged by a curator: regrouping leaves its articles where they are.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_published", "-id"]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title or f"Story {self.pk}"

    def get_absolute_url(self):
        return page_path("web:story", pk=self.pk)


class Article(models.Model):
    """A news article: clean body for reading and search, raw text as received."""

    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True, help_text="Dek or standfirst.")
    body = models.TextField(help_text="Clean text.")
    raw_text = models.TextField(blank=True, help_text="The text as received, untouched.")
    url = models.URLField(max_length=1000, null=True, blank=True, unique=True)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="articles", null=True, blank=True
    )
    published = models.DateField(null=True, blank=True, db_index=True)
    published_time = models.TimeField(null=True, blank=True)
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True
    )
    tags = models.ManyToManyField(Tag, related_name="articles", blank=True)
    language = models.CharField(max_length=16, blank=True, db_index=True)
    word_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the normalised body."
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="near_duplicates",
        help_text="The original this article is a copy of (the same text with edits, often "
        "in another outlet); always the first publisher's article, never another copy.",
    )
    story = models.ForeignKey(
        Story,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The event this article reports, with the other outlets' write-ups.",
    )
    source = models.CharField(max_length=500, blank=True, help_text="File name or import.")
    external_id = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="Id in the source corpus."
    )
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published", "-id"]
        indexes = [
            models.Index(fields=["outlet", "-published"], name="article_outlet_published"),
            models.Index(fields=["-published", "-id"], name="article_newest"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_path("web:article", pk=self.pk, slug=unique_slug(self.title, 80))

    @property
    def author_names(self) -> list[str]:
        return [link.author.name for link in self.author_links.all()]


class ArticleAuthor(models.Model):
    """Byline order: the first author is credited first."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="author_links")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="article_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="article_author_unique"),
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class CopySignature(models.Model):
    """An article's copy-detection signature (``archive.ingest.dedupe``), kept so that an
    import finds a new text's copies by its band keys without reading stored texts.
    ``values`` is empty when the text is too short to judge."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="copy_signature"
    )
    content_hash = models.CharField(max_length=64, help_text="Of the text it was made from.")
    values = models.BinaryField(blank=True)
    shingles = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Signature of article {self.article_id}"


class CopyBand(models.Model):
    """One LSH band key of an article's signature: articles sharing a key are candidate
    copies of each other.

    Keyed by (key, article) alone: an import adds 42 rows an article, and a surrogate id
    would cost a B-tree more per row (on SQLite the table is ``WITHOUT ROWID``, so the
    key's index is the table; migration 0060). For the same reason the article is no
    foreign key and has no index of its own (migration 0062): checking and indexing it
    tripled the cost of writing the rows. An article's rows are deleted by their keys
    (``archive.ingest.copies.bands_delete``); a row left of a deleted article names an id
    no article has, and a candidate without a signature is passed over."""

    pk = models.CompositePrimaryKey("key", "article")
    key = models.BigIntegerField()
    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )

    def __str__(self):
        return f"{self.key} of article {self.article_id}"


class CopyBandQueue(models.Model):
    """An article whose signature is stored but whose band keys are not written yet.

    An import writes its articles' band keys in a few large sorted batches rather than
    with every chunk: a chunk's 10,000 random keys touch nearly every page of the band
    index, so writing them chunk by chunk rewrote the whole index at each commit. Until
    its keys are written, an article is found as a candidate through this queue (by
    runs other than its own; its own run holds it in memory). ``run`` names the import
    that queued it. Whoever writes the keys takes the article off: the worker, asked by
    the run at its end and every ``BAND_PART`` articles (every ``BAND_BATCH`` while
    other runs import too: ``archive.ingest.tasks``); ``group_articles``; or the next
    run, when more than ``BACKLOG`` wait."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    run = models.BigIntegerField(db_index=True)

    def __str__(self):
        return f"Band keys of article {self.article_id}, queued by run {self.run}"


class SlugRedirect(models.Model):
    """The slug of an outlet, author or tag merged into another, kept so that its old
    page, feed and filter value lead to the survivor (``kind``: "outlet", "author" or
    the tag's kind; exactly one of ``outlet``, ``author`` and ``tag`` is set)."""

    kind = models.CharField(max_length=16)
    old_slug = models.SlugField(max_length=200, allow_unicode=True)
    old_name = models.CharField(max_length=200, blank=True)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, null=True, blank=True, related_name="redirects"
    )
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, null=True, blank=True, related_name="redirects"
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="slug_redirect_unique"),
        ]

    def __str__(self):
        return f"{self.kind}/{self.old_slug} -> {self.target}"

    @property
    def target(self):
        return self.outlet or self.author or self.tag


class TagLabel(models.Model):
    """The name a source's tag code stands for (Reuters' ``earn``: "Earnings and Earnings
    Forecasts"): a tag created from the code takes the name, and keeps the code as alias."""

    kind = models.CharField(max_length=16, choices=Tag.Kind.choices)
    code = models.CharField(max_length=200, help_text="As the source writes it, case-folded.")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="tag_label_unique")]

    def __str__(self):
        return f"{self.kind}:{self.code} = {self.name}"


def byline_prefetch() -> models.Prefetch:
    """Articles' bylines with their authors joined in: what to prefetch instead of
    ``"author_links__author"``. Django prefetches that second step on SQLite as one
    ``id = 1 OR id = 2 OR …`` chain over the authors of the whole batch, which SQLite
    refuses past 1,000 ("Expression tree is too large"): one article with a long byline,
    or an export or index batch of ordinary ones, would fail every page that loads it."""
    return models.Prefetch("author_links", queryset=ArticleAuthor.objects.select_related("author"))


# Saved searches and alerts live in their own module; imported here so Django finds them.
from archive.alerts.models import (  # noqa: E402, F401
    AlertMatch,
    Delivery,
    DeliveryAttempt,
    Dispatch,
    SavedSearch,
    Webhook,
)
