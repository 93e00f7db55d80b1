"""Measure the desk's article extraction on a folder of saved pages with marked article text."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.sources.evaluation import evaluate_folder, format_report


class Command(BaseCommand):
    help = (
        "Extract the article text of every saved page in a folder laid out as the Article "
        "Extraction Benchmark (html/<key>.html.gz and ground-truth.json) and print F1, "
        "precision and recall over 4-word shingles, averaged per page, with accuracy and time."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A folder such as ../shared/eval/extraction.")
        parser.add_argument(
            "--worst",
            type=int,
            default=0,
            help="Also list this many lowest-scoring pages, to look at by hand.",
        )

    def handle(self, *args, path, worst, **options):
        folder = Path(path)
        if not (folder / "ground-truth.json").is_file():
            raise CommandError(f"{path} has no ground-truth.json: not an extraction folder.")
        try:
            report = evaluate_folder(folder)
        except OSError as error:
            where, why = error.filename or path, error.strerror or error
            raise CommandError(f"Cannot read {where}: {why}.") from None
        except UnicodeDecodeError:
            raise CommandError("ground-truth.json is not UTF-8 text.") from None
        except ValueError as error:
            # json.JSONDecodeError is a ValueError too.
            raise CommandError(f"Malformed folder: {error}") from None
        self.stdout.write(f"Article extraction on {path}")
        self.stdout.write(format_report(report, worst=max(0, worst)))
