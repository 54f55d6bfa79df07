from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from django_tasks.signals import task_finished

        from archive.ingest.copies import article_pre_delete
        from archive.models import Article
        from archive.upkeep import prune_after_task

        # Whoever deletes an original (admin, API, shell), its copies keep a group.
        pre_delete.connect(article_pre_delete, sender=Article, dispatch_uid="copies_reroot")
        # The worker deletes old task results as it goes (archive/upkeep.py).
        task_finished.connect(prune_after_task, dispatch_uid="task_results_prune")
