from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from django.core import checks

        from search import signals
        from search.checks import index_directory_check, semantic_extra_check

        signals.connect()
        checks.register(index_directory_check)
        checks.register(semantic_extra_check)
