"""Load the demo desk: the seed article, its source library and the demo accounts."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from claims import demo
from claims.models import Article


class Command(BaseCommand):
    help = "Load the seed article, the demo source library and demo accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load into an empty desk (no articles, no users): never touch real data.",
        )
        parser.add_argument(
            "--no-accounts", action="store_true", help="Do not create the demo accounts."
        )

    def handle(self, *args, if_empty=False, no_accounts=False, **options):
        if if_empty and (Article.objects.exists() or get_user_model().objects.exists()):
            self.stdout.write("The desk already has data: the demo is not loaded again.")
            return
        demo.load_demo_library()
        result = demo.load_seed_article()
        if result.created:
            self.stdout.write(
                f"Imported “{result.article.title}” with {result.claims_created} proposed claims."
            )
        if not no_accounts:
            for username in demo.create_demo_accounts():
                self.stdout.write(f"Created demo account “{username}”.")
