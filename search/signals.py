"""Every change that alters an article's index document queues it in the outbox.

The ORM's signals say most; the archive announces the rest on its port
(``archive.signals.articles_changed``: writes that send no signals, such as
``QuerySet.update()`` and ``bulk_create()``). Only recording happens here
(``search.outbox.outbox_record``); applying is the outbox's job, after the commit.
``search_index check --fix`` repairs what was missed (raw SQL, say).
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from archive.models import Article, ArticleAuthor, Author, Outlet, Tag
from archive.signals import articles_changed
from search.models import IndexChange
from search.outbox import outbox_record

# Fields of related rows that appear in the documents of their articles.
INDEXED_FIELDS = {
    Outlet: ("name", "slug"),
    Author: ("name", "slug"),
    Tag: ("name", "slug", "kind", "aliases"),
}


def articles_announced(sender, ids, using=DEFAULT_DB_ALIAS, **kwargs):
    outbox_record(ids, using=using)


def article_pre_save(sender, instance, using, **kwargs):
    # Outside a transaction the change commits before post_save runs; a row written
    # first means a crash in between cannot lose it.
    if instance.pk is not None and not connections[using].in_atomic_block:
        IndexChange.objects.using(using).create(article_id=instance.pk)


def article_saved(sender, instance, using, **kwargs):
    outbox_record([instance.pk], using=using)


def article_pre_delete(sender, instance, using, **kwargs):
    # Their duplicate_of link is cleared by an UPDATE that sends no signal.
    twins = Article.objects.using(using).filter(duplicate_of=instance.pk)
    outbox_record(twins.values_list("pk", flat=True), using=using)


def article_deleted(sender, instance, using, **kwargs):
    outbox_record([instance.pk], action=IndexChange.Action.DELETE, using=using)


def tags_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action in ("post_add", "post_remove"):
        if not pk_set:
            return
        ids = pk_set if reverse else [instance.pk]
    elif action == "pre_clear":
        ids = (
            instance.articles.using(using).values_list("pk", flat=True)
            if reverse
            else [instance.pk]
        )
    else:
        return
    outbox_record(ids, using=using)


def byline_pre_save(sender, instance, using, **kwargs):
    if not connections[using].in_atomic_block and instance.article_id is not None:
        IndexChange.objects.using(using).create(article_id=instance.article_id)


def byline_changed(sender, instance, using, **kwargs):
    outbox_record([instance.article_id], using=using)


def related_pre_save(sender, instance, using, update_fields=None, **kwargs):
    """Note whether a rename of an outlet, author or tag changes indexed text."""
    fields = INDEXED_FIELDS[sender]
    if instance.pk is None or (update_fields is not None and not set(fields) & set(update_fields)):
        instance._search_reindex = False
        return
    before = sender.objects.using(using).filter(pk=instance.pk).values(*fields).first()
    instance._search_reindex = before is not None and any(
        before[name] != getattr(instance, name) for name in fields
    )


def related_saved(sender, instance, using, created, **kwargs):
    if created or not getattr(instance, "_search_reindex", False):
        return
    instance._search_reindex = False
    outbox_record(_articles_of(instance, using), using=using)


def tag_pre_delete(sender, instance, using, **kwargs):
    # Its links are removed without m2m signals.
    outbox_record(_articles_of(instance, using), using=using)


def _articles_of(instance, using):
    if isinstance(instance, Author):
        links = ArticleAuthor.objects.using(using).filter(author=instance)
        return links.values_list("article_id", flat=True)
    return instance.articles.using(using).values_list("pk", flat=True)


def connect() -> None:
    """Wire the receivers (``SearchConfig.ready``)."""
    wiring = [
        (articles_changed, Article, articles_announced),
        (pre_save, Article, article_pre_save),
        (post_save, Article, article_saved),
        (pre_delete, Article, article_pre_delete),
        (post_delete, Article, article_deleted),
        (m2m_changed, Article.tags.through, tags_changed),
        (pre_save, ArticleAuthor, byline_pre_save),
        (post_save, ArticleAuthor, byline_changed),
        (post_delete, ArticleAuthor, byline_changed),
        (pre_delete, Tag, tag_pre_delete),
    ]
    for model in INDEXED_FIELDS:
        wiring += [(pre_save, model, related_pre_save), (post_save, model, related_saved)]
    for signal, sender, receiver in wiring:
        signal.connect(receiver, sender=sender, dispatch_uid=f"search.{receiver.__name__}")
