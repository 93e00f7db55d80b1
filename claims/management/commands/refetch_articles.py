"""Queue the checks of articles imported by URL whose page is due to be fetched again (the
desk worker does this by itself every minute); with --run, check them here instead."""

from django.core.management.base import BaseCommand

from claims.refetch import check_for_new_version, claim_due_checks, queue_due_checks


class Command(BaseCommand):
    help = (
        "Queue a check for a new version of every article imported by URL whose page is "
        "due (ARTICLE_REFETCH_HOURS); --run checks them in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--run", action="store_true", help="Check the due articles now, without the worker."
        )

    def handle(self, *, run, **options):
        if not run:
            self.stdout.write(f"Queued {queue_due_checks()} check(s).")
            return
        for article_id in claim_due_checks():
            check = check_for_new_version(article_id)
            self.stdout.write(f"Article {article_id}: {check.state}: {check.message}")
