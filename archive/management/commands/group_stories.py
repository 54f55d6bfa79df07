from django.core.management.base import BaseCommand

from archive.models import Article, Story
from archive.stories.grouping import regroup_stories


class Command(BaseCommand):
    help = (
        "Rebuild the stories from the articles: every story not curated in the admin is "
        "recomputed (its address kept where its articles stay together)."
    )

    def handle(self, *args, **options):
        changed = regroup_stories()
        grouped = Article.objects.filter(story__isnull=False).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Stories: {Story.objects.count()} ({grouped} articles in them); "
                f"{len(changed)} articles changed story."
            )
        )
