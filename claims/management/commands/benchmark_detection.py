"""Time claim detection and article import on a large article (a benchmark: it asserts nothing)."""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from claims.demo import SEED_ARTICLE
from claims.detection import detected_claims
from claims.importing import import_article
from claims.models import Article, ArticleVersion, Claim

# Words swapped in each copy of a paragraph, so that no two copies (and no two repeats)
# are the same text: (word in the seed article, replacements cycled through).
VARIATIONS = (
    ("Thursday", ("Monday", "Tuesday", "Wednesday", "Friday", "Saturday", "Sunday")),
    ("Seoul", ("Tokyo", "Canberra", "Manila", "Jakarta", "Hanoi", "Taipei", "Seoul")),
    ("one million", ("half a million", "two million", "800,000", "1.2 million", "300,000")),
    ("September", ("March", "April", "June", "July", "October", "November")),
    ("Blinken", ("Blinken", "Sullivan", "Austin", "Campbell")),
    ("Park Jin", ("Park Jin", "Cho Tae-yul", "Chung Eui-yong")),
)
CITIES = ("Busan", "Incheon", "Vladivostok", "Khabarovsk", "Rason", "Sinuiju", "Kaesong")


def benchmark_text(size_bytes: int, seed: int) -> str:
    """About size_bytes of UTF-8 article text from the seed article's paragraphs, varied.

    Each copy of a paragraph gets other days, places, figures and names, and a sentence
    of its own with a number; `seed` shifts the variations, so repeats differ too.
    """
    paragraphs = SEED_ARTICLE.read_text(encoding="utf-8").strip().split("\n\n")
    out: list[str] = []
    size = 0
    copy = seed * 7919
    while size < size_bytes:
        for paragraph in paragraphs:
            for word, replacements in VARIATIONS:
                paragraph = paragraph.replace(word, replacements[copy % len(replacements)])
            paragraph += (
                f" Customs officials in {CITIES[copy % len(CITIES)]} said {copy % 97 + 3} "
                f"shipments were recorded in week {copy % 52 + 1}."
            )
            out.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 2
            copy += 1
            if size >= size_bytes:
                break
    return "\n\n".join(out)


@transaction.atomic
def remove_benchmark_article(article: Article) -> None:
    """Delete a benchmark article, its claims and their history, recording nothing: it was
    never the desk's work. (The ORM would write a deletion record for every claim.)"""
    ops = connection.ops
    claims = ops.quote_name(Claim._meta.db_table)
    history = ops.quote_name(Claim.history.model._meta.db_table)
    # Identifiers from the models' metadata; the article's id is a parameter.
    statements = (
        f"DELETE FROM {history} WHERE id IN (SELECT id FROM {claims} WHERE article_id = %s)",  # noqa: S608
        f"DELETE FROM {claims} WHERE article_id = %s",  # noqa: S608
        f"DELETE FROM {ops.quote_name(ArticleVersion._meta.db_table)} WHERE article_id = %s",  # noqa: S608
        f"DELETE FROM {ops.quote_name(Article._meta.db_table)} WHERE id = %s",  # noqa: S608
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [article.pk])


def reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine runs Python code."""
    began = time.perf_counter()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.perf_counter() - began


class Command(BaseCommand):
    help = (
        "Build an article of about --size-mb megabytes from the seed article's paragraphs "
        "(varied on each copy and each repeat) and print how long claim detection alone "
        "and a full import (detection plus storing and committing the claims and their "
        "history; the article is deleted afterwards, so nothing is kept) take."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size-mb", type=float, default=1.0, help="Article size (MB).")
        parser.add_argument("--repeat", type=int, default=3, help="How many runs (default 3).")

    def handle(self, *args, size_mb, repeat, **options):
        if size_mb <= 0 or repeat < 1:
            raise CommandError("--size-mb must be positive and --repeat at least 1.")
        size_bytes = int(size_mb * 1_000_000)
        rows = []
        for run in range(1, repeat + 1):
            text = benchmark_text(size_bytes, seed=run)
            if len(text) > settings.ARTICLE_MAX_CHARS:
                raise CommandError(
                    f"A {size_mb} MB article has {len(text):,} characters, over the import "
                    f"limit of {settings.ARTICLE_MAX_CHARS:,} (ARTICLE_MAX_CHARS)."
                )
            began = time.perf_counter()
            proposals = detected_claims(text)
            detect = time.perf_counter() - began
            began = time.perf_counter()
            result = import_article(body=text, title=f"Benchmark article {run}")
            imported = time.perf_counter() - began
            if not result.created:
                raise CommandError(
                    f"An article with the text of benchmark run {run} exists already "
                    f"(#{result.article.pk}, left by an interrupted benchmark?): delete it first."
                )
            remove_benchmark_article(result.article)
            rows.append(
                {
                    "run": str(run),
                    "mb": len(text.encode("utf-8")) / 1_000_000,
                    "chars": len(text),
                    "proposals": len(proposals),
                    "detect": detect,
                    "claims": result.claims_created,
                    "import": imported,
                }
            )
        self.stdout.write(
            f"Claim detection and import of a {size_mb:g} MB article "
            f"({connection.vendor}, {settings.DETECTION_PROCESSES} detection worker "
            f"process(es)), {repeat} run(s)"
        )
        header = (
            f"{'run':<7} {'MB':>5} {'chars':>9} {'proposed':>8} {'detect s':>8} "
            f"{'claims':>7} {'import s':>8} {'claims/s':>9}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            self.stdout.write(self._line(row))
        rates = [row["claims"] / row["import"] for row in rows]
        for label, pick in (("best", min), ("median", statistics.median)):
            best_rate = max(rates) if pick is min else statistics.median(rates)
            self.stdout.write(
                f"{label:<7} {'':>5} {'':>9} {'':>8} {pick(r['detect'] for r in rows):>8.3f} "
                f"{'':>7} {pick(r['import'] for r in rows):>8.3f} {best_rate:>9,.0f}"
            )
        self.stdout.write(
            f"machine reference: a 10-million-step Python loop takes {reference_loop():.2f} s "
            "here, to compare figures across machines."
        )

    @staticmethod
    def _line(row) -> str:
        return (
            f"{row['run']:<7} {row['mb']:>5.2f} {row['chars']:>9,} {row['proposals']:>8,} "
            f"{row['detect']:>8.3f} {row['claims']:>7,} {row['import']:>8.3f} "
            f"{row['claims'] / row['import']:>9,.0f}"
        )
