"""Import an article from a text file (or standard input) and propose its claims."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from claims.importing import ArticleRejected, import_article


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Import an article's text from PATH ('-' for standard input) and propose its claims."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A UTF-8 text file, or - for standard input.")
        parser.add_argument("--title", required=True)
        parser.add_argument("--url", default="")
        parser.add_argument("--author", default="")
        parser.add_argument("--published", type=str, default=None, help="YYYY-MM-DD")

    def handle(self, *args, path, title, url, author, published, **options):
        published_on = iso_date(published) if published else None
        try:
            if path == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as handle:
                    raw = handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            result = import_article(
                body=raw, title=title, url=url, author=author, published_on=published_on
            )
        except ArticleRejected as error:
            raise CommandError(str(error)) from error
        article = result.article
        if result.created:
            self.stdout.write(
                f"Imported article {article.pk} “{article.title}” "
                f"with {result.claims_created} proposed claims."
            )
        else:
            self.stdout.write(
                f"Article {article.pk} “{article.title}” already has this text; nothing changed."
            )
