"""Measure the claim detector on labelled sentences: AP, ROC-AUC pooled and per article
beside the random and sentence-length baselines, precision/recall/F1, speed."""

from django.core.management.base import BaseCommand, CommandError

from claims.detection import ACCEPT_THRESHOLD
from claims.detection.evaluation import (
    JOINS,
    evaluate,
    format_report,
    held_out_ids,
    load_documents,
)

SPLITS = ("held-out", "dev", "all")


def threshold_value(value: str) -> float:
    try:
        threshold = float(value)
    except ValueError:
        raise CommandError(f"--threshold must be a number from 0 to 1, not {value!r}.") from None
    if not 0 <= threshold <= 1:
        raise CommandError(f"--threshold must be from 0 to 1, not {value}.")
    return threshold


class Command(BaseCommand):
    help = (
        "Run the claim detector on a labelled jsonl file (one sentence a line, a document's "
        "sentences on consecutive lines: doc_id, sentence, label 0/1, source) and print, per "
        "source corpus, the positive rate (a random ranking's AP) beside average precision, "
        "ROC-AUC pooled and within each article (random: 0.5) beside the within-article "
        "ROC-AUC of ranking by sentence length, precision/recall/F1 at the threshold, and "
        "sentences per second."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A jsonl file such as checkworthy-dev.jsonl.")
        parser.add_argument(
            "--split",
            choices=SPLITS,
            default="held-out",
            help="held-out: the documents not used to tune the detector (the default, the "
            "honest figures); dev: the tuning documents (claims.detection.evaluation.DEV_DOC_IDS); "
            "all: both.",
        )
        parser.add_argument(
            "--threshold",
            type=str,
            default=str(ACCEPT_THRESHOLD),
            help=f"Flag sentences scoring at least this (default {ACCEPT_THRESHOLD}, the "
            "importer's acceptance threshold).",
        )
        parser.add_argument(
            "--join",
            choices=(*JOINS, "both"),
            default="both",
            help="How a document's rows become the article the detector reads. blocks: a "
            "row without a sentence end ends its paragraph, as the importer lays out a "
            "page's blocks; spaces: every row joined by a space, as the data's README says; "
            "both (the default): a table for each, blocks first.",
        )

    def handle(self, *args, path, split, threshold, join, **options):
        threshold = threshold_value(threshold)
        try:
            documents = load_documents(path)
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}.") from None
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        except ValueError as error:
            raise CommandError(f"Malformed file: {error}") from None
        held_out = set(held_out_ids(documents))
        doc_ids = [
            doc.doc_id
            for doc in documents
            if split == "all" or (doc.doc_id in held_out) == (split == "held-out")
        ]
        if not doc_ids:
            raise CommandError(f"{path} has no documents in the {split} split.")
        self.stdout.write(f"Claim detection on {path} ({split} split)")
        for index, way in enumerate(JOINS if join == "both" else (join,)):
            if index:
                self.stdout.write("")
            self.stdout.write(format_report(evaluate(path, threshold, doc_ids, way)))
