"""Measuring the article extraction on saved pages whose article text a person marked.

The folder format and the metric are those of the public Article Extraction Benchmark
(scrapinghub/article-extraction-benchmark): `html/<key>.html.gz` holds a page as served,
`ground-truth.json` maps each key to {"url", "articleBody"}. Both texts are split into
word tokens (`\\w+`); every run of 4 consecutive tokens (a shingle) is counted in each;
per page, true positives are the shingles both share (by count), false positives those
only in the extraction, false negatives those only in the ground truth. Precision and
recall are computed per page (a page with nothing to find and nothing found scores 1;
nothing found where there was something scores 0), averaged over pages, and F1 is
computed from the two averages. Accuracy is the share of pages whose token sequences
are identical.

No Django: `evaluate_extraction` (the management command) prints the report.
"""

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claims.sources.extraction import PageUnreadable, article_body, decode_html

TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class PageScore:
    key: str
    precision: float
    recall: float
    exact: bool


@dataclass(frozen=True)
class ExtractionReport:
    pages: list[PageScore]
    seconds: float

    @property
    def precision(self) -> float:
        return sum(page.precision for page in self.pages) / len(self.pages)

    @property
    def recall(self) -> float:
        return sum(page.recall for page in self.pages) / len(self.pages)

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def accuracy(self) -> float:
        return sum(page.exact for page in self.pages) / len(self.pages)


def shingles(text: str) -> Counter:
    """The runs of 4 consecutive word tokens in text, counted (a shorter text is one run)."""
    tokens = TOKEN.findall(text or "")
    runs = (tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))
    return Counter(run for run in runs if run)


def page_score(key: str, expected: str, extracted: str) -> PageScore:
    """Precision and recall of one page's extraction against the marked article text."""
    truth, found = shingles(expected), shingles(extracted)
    true_positives = sum((truth & found).values())
    false_positives = sum((found - truth).values())
    false_negatives = sum((truth - found).values())
    if false_positives == false_negatives == 0:
        precision = recall = 1.0
    else:
        precision = _ratio(true_positives, true_positives + false_positives)
        recall = _ratio(true_positives, true_positives + false_negatives)
    exact = TOKEN.findall(expected or "") == TOKEN.findall(extracted or "")
    return PageScore(key=key, precision=precision, recall=recall, exact=exact)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def load_folder(folder: Path) -> dict[str, dict]:
    """The ground truth of a benchmark folder, checked to name a saved page for every key."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    if not isinstance(truth, dict) or not truth:
        raise ValueError("ground-truth.json must map page keys to {url, articleBody}.")
    for key, item in truth.items():
        if not isinstance(item, dict) or not isinstance(item.get("articleBody", ""), str):
            raise ValueError(f"ground-truth.json: {key} has no articleBody text.")
        if not (folder / "html" / f"{key}.html.gz").is_file():
            raise ValueError(f"html/{key}.html.gz is missing.")
    return truth


def evaluate_folder(folder: Path, extract: Callable[[str], str] = article_body) -> ExtractionReport:
    """Score extract (HTML text -> article text) on every page of a benchmark folder.

    Pages are decoded as the desk decodes a fetched page without an HTTP charset (the
    saved bytes carry their own declaration). A page the desk refuses counts as nothing
    found.
    """
    truth = load_folder(folder)
    started = time.perf_counter()
    scores = []
    for key, item in truth.items():
        html = decode_html(gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()))
        try:
            extracted = extract(html)
        except PageUnreadable:
            extracted = ""
        scores.append(page_score(key, item.get("articleBody", ""), extracted))
    return ExtractionReport(pages=scores, seconds=time.perf_counter() - started)


def format_report(report: ExtractionReport, *, worst: int = 0) -> str:
    lines = [
        f"pages      {len(report.pages)}",
        f"F1         {report.f1:.3f}",
        f"precision  {report.precision:.3f}",
        f"recall     {report.recall:.3f}",
        f"accuracy   {report.accuracy:.3f}",
        f"time       {report.seconds:.1f} s ({report.seconds / len(report.pages):.2f} s a page)",
    ]
    if worst:
        lines.append(f"the {worst} lowest-scoring pages (precision, recall, key):")
        ranked = sorted(report.pages, key=lambda page: page.precision + page.recall)
        lines += [f"  {p.precision:.3f} {p.recall:.3f} {p.key}" for p in ranked[:worst]]
    return "\n".join(lines)
