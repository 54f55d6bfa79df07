from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from archive.ingest.copies import article_pre_delete
        from archive.models import Article

        # Whoever deletes an original (admin, API, shell), its copies keep a group.
        pre_delete.connect(article_pre_delete, sender=Article, dispatch_uid="copies_reroot")
