"""Evaluate the claim detector on labelled sentences (the checkworthy-dev.jsonl format).

Each line is one sentence: {"doc_id", "sentence", "label", "source", ...}; a document's
sentences are consecutive lines. A document is fed to `reading.proposed_claims` as one
article (its rows joined as the importer lays out a page: a row without a sentence end
ends its paragraph, see `row_separator`; or, with join="spaces", by single spaces as the
data's README says) and each labelled sentence gets the highest score of the claims
whose span overlaps it (0 if none).

Weights were tuned on the documents in DEV_DOC_IDS only; report on the others
(`held_out_ids`), or the figures flatter the detector.

Pure functions, no Django: `python -m claims.detection.evaluation PATH [--split held-out]` prints
the report.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claims.detection.claims import ACCEPT_THRESHOLD
from claims.detection.reading import proposed_claims

# The documents the weights were tuned on. Everything else is held out: two of the four
# PoliClaim speeches, every other Hyphen article in file order, and the single CLEF
# transcript (never looked at while tuning).
DEV_DOC_IDS = frozenset(
    {
        "policlaim:AL2022",
        "policlaim:CA2022",
        "hyphen:politifact15532",
        "hyphen:politifact13936",
        "hyphen:politifact14469",
        "hyphen:politifact14213",
        "hyphen:politifact14474",
        "hyphen:politifact14998",
        "hyphen:politifact14839",
        "hyphen:politifact13820",
        "hyphen:politifact12418",
        "hyphen:politifact10185",
        "hyphen:politifact15108",
    }
)


@dataclass
class Document:
    doc_id: str
    source: str
    sentences: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    @property
    def corpus(self) -> str:
        """The corpus name: the doc_id's prefix before ":" (else the source)."""
        prefix, sep, _ = self.doc_id.partition(":")
        return prefix if sep else self.source


def load_documents(path: str | Path) -> list[Document]:
    """The documents of a jsonl file, in file order; ValueError on a malformed line."""
    documents: list[Document] = []
    finished: set[str] = set()
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                doc_id, sentence, label = row["doc_id"], row["sentence"], row["label"]
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{number}: not a labelled sentence ({error})") from None
            if label not in (0, 1) or not isinstance(sentence, str):
                raise ValueError(f"{path}:{number}: label must be 0 or 1, sentence a string")
            if not documents or documents[-1].doc_id != doc_id:
                if doc_id in finished:
                    raise ValueError(f"{path}:{number}: document {doc_id} is not contiguous")
                if documents:
                    finished.add(documents[-1].doc_id)
                documents.append(Document(doc_id=doc_id, source=row.get("source", "")))
            documents[-1].sentences.append(sentence)
            documents[-1].labels.append(int(label))
    return documents


def held_out_ids(documents: Iterable[Document]) -> list[str]:
    """The ids of the documents not used for tuning."""
    return [doc.doc_id for doc in documents if doc.doc_id not in DEV_DOC_IDS]


# How a document's labelled rows are joined into the article the detector reads:
# "blocks" (the default) as the importer's text is laid out, "spaces" as the data's README
# says ("join them with spaces").
JOINS = ("blocks", "spaces")
# A row that ends a sentence: a terminator, then closing quotes or brackets.
_ENDS_SENTENCE_RE = re.compile(r"[.!?…][\"'”’»)\]]*\s*\Z")


def row_separator(row: str, join: str = "blocks") -> str:
    """What follows a labelled row in the rebuilt article.

    "spaces": a space. "blocks": a space after a row that ends a sentence, else a blank
    line. The importer gives the detector a page's text as trafilatura's blocks separated
    by blank lines (`sources.extraction`), and a row without a sentence end ("Read More",
    "Beaumont, Texas |", "(APPLAUSE)", a headline) cannot run on into the next row's
    sentence on a page: it ends a block. Joined by a space, the detector would read it as
    the start of the next sentence and give both the same score.
    """
    if join not in JOINS:
        raise ValueError(f"join must be one of {JOINS}, not {join!r}")
    if join == "spaces" or _ENDS_SENTENCE_RE.search(row):
        return " "
    return "\n\n"


def joined_text(doc: Document, join: str = "blocks") -> tuple[str, list[tuple[int, int]]]:
    """The document as one article (rows joined as `row_separator` says), and each
    row's (start, end) offsets in it."""
    ranges = []
    pieces = []
    position = 0
    for index, sentence in enumerate(doc.sentences):
        ranges.append((position, position + len(sentence)))
        pieces.append(sentence)
        position += len(sentence)
        if index + 1 < len(doc.sentences):
            separator = row_separator(sentence, join)
            pieces.append(separator)
            position += len(separator)
    return "".join(pieces), ranges


def score_document(doc: Document, join: str = "blocks") -> list[float]:
    """Each sentence's score: the highest score of the claims overlapping it, else 0."""
    text, ranges = joined_text(doc, join)
    starts = [start for start, _ in ranges]
    scores = [0.0] * len(ranges)
    for claim in proposed_claims(text):
        index = max(0, bisect.bisect_right(starts, claim.start) - 1)
        while index < len(ranges) and ranges[index][0] < claim.end:
            start, end = ranges[index]
            if start < end and end > claim.start:
                scores[index] = max(scores[index], claim.score)
            index += 1
    return scores


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Average precision of ranking by score: sum over thresholds of (R_k - R_k-1) * P_k.

    Tied scores enter the ranking together (as in scikit-learn), so the order of ties
    does not matter. NaN when there is no positive label.
    """
    if len(scores) != len(labels):
        raise ValueError("scores and labels differ in length")
    positives = sum(labels)
    if positives == 0:
        return math.nan
    pairs = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
    ap = 0.0
    true_positives = seen = 0
    previous_recall = 0.0
    for index, (score, label) in enumerate(pairs):
        true_positives += label
        seen += 1
        if index + 1 < len(pairs) and pairs[index + 1][0] == score:
            continue  # the threshold falls after the last of the tied scores
        recall = true_positives / positives
        ap += (recall - previous_recall) * (true_positives / seen)
        previous_recall = recall
    return ap


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The probability that a positive outscores a negative (ties count half): the area
    under the ROC curve. NaN without both a positive and a negative."""
    if len(scores) != len(labels):
        raise ValueError("scores and labels differ in length")
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return math.nan
    # Rank sum (Mann-Whitney U), tied scores sharing their average rank.
    pairs = sorted(zip(scores, labels, strict=True), key=lambda pair: pair[0])
    rank_sum = 0.0
    index = 0
    while index < len(pairs):
        tied = index
        while tied + 1 < len(pairs) and pairs[tied + 1][0] == pairs[index][0]:
            tied += 1
        average_rank = (index + tied) / 2 + 1
        rank_sum += average_rank * sum(label for _, label in pairs[index : tied + 1])
        index = tied + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def per_article_auc(documents: Sequence[tuple[Sequence[float], Sequence[int]]]) -> float:
    """The mean ROC-AUC within each document that has both a positive and a negative: how
    well the scores order one article's sentences. NaN if no document has both."""
    values = [roc_auc(scores, labels) for scores, labels in documents]
    values = [value for value in values if not math.isnan(value)]
    return sum(values) / len(values) if values else math.nan


def sentence_length(sentence: str) -> float:
    """The sentence-length baseline's score: its number of words."""
    return float(len(sentence.split()))


def precision_recall_f1(
    scores: Sequence[float], labels: Sequence[int], threshold: float = ACCEPT_THRESHOLD
) -> tuple[float, float, float]:
    """Precision, recall and F1 of flagging score >= threshold (0 where undefined)."""
    if len(scores) != len(labels):
        raise ValueError("scores and labels differ in length")
    flagged = [score >= threshold for score in scores]
    true_positives = sum(1 for f, label in zip(flagged, labels, strict=True) if f and label)
    flagged_count = sum(flagged)
    positives = sum(labels)
    precision = true_positives / flagged_count if flagged_count else 0.0
    recall = true_positives / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(
    path: str | Path,
    threshold: float = ACCEPT_THRESHOLD,
    doc_ids: Iterable[str] | None = None,
    join: str = "blocks",
) -> dict:
    """Per-corpus figures for the documents of path (only those in doc_ids, if given),
    each document's rows joined as `join` says (`row_separator`).

    Returns {"threshold", "join", "documents", "sentences", "seconds", "sentences_per_second",
    "corpora": {corpus: {"source", "documents", "sentences", "positives",
    "positive_rate", "flagged_rate", "average_precision", "roc_auc", "article_auc",
    "length_article_auc", "precision", "recall", "f1"}}}. `article_auc` is the mean ROC-AUC
    within each article (`per_article_auc`), `length_article_auc` that of ranking an
    article's sentences by their length; a random ranking scores 0.5 on both AUCs and the
    positive rate on AP.
    """
    documents = load_documents(path)
    if doc_ids is not None:
        wanted = set(doc_ids)
        documents = [doc for doc in documents if doc.doc_id in wanted]
    by_corpus: dict[str, dict] = {}
    seconds = 0.0
    for doc in documents:
        began = time.perf_counter()
        scores = score_document(doc, join)
        seconds += time.perf_counter() - began
        entry = by_corpus.setdefault(
            doc.corpus,
            {"source": doc.source, "documents": 0, "scores": [], "labels": [], "articles": []},
        )
        entry["documents"] += 1
        entry["scores"].extend(scores)
        entry["labels"].extend(doc.labels)
        lengths = [sentence_length(sentence) for sentence in doc.sentences]
        entry["articles"].append((scores, doc.labels, lengths))
    corpora = {}
    for corpus, entry in by_corpus.items():
        scores, labels = entry["scores"], entry["labels"]
        n = len(labels)
        precision, recall, f1 = precision_recall_f1(scores, labels, threshold)
        corpora[corpus] = {
            "source": entry["source"],
            "documents": entry["documents"],
            "sentences": n,
            "positives": sum(labels),
            "positive_rate": sum(labels) / n if n else 0.0,
            "flagged_rate": sum(1 for s in scores if s >= threshold) / n if n else 0.0,
            "average_precision": average_precision(scores, labels),
            "roc_auc": roc_auc(scores, labels),
            "article_auc": per_article_auc([(s, y) for s, y, _ in entry["articles"]]),
            "length_article_auc": per_article_auc(
                [(lengths, y) for _, y, lengths in entry["articles"]]
            ),
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    total = sum(entry["sentences"] for entry in corpora.values())
    return {
        "threshold": threshold,
        "join": join,
        "documents": len(documents),
        "sentences": total,
        "seconds": seconds,
        "sentences_per_second": total / seconds if seconds else 0.0,
        "corpora": corpora,
    }


def _figure(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


JOIN_NOTES = {
    "blocks": "rows joined as blocks: a row without a sentence end ends its paragraph, as "
    "the importer lays out a page's blocks",
    "spaces": "rows joined with spaces, as the data's README says: a row without a sentence "
    "end runs on into the next",
}


def format_report(result: dict) -> str:
    """The result of `evaluate` as a plain-text table, one row per corpus: AP beside the
    positive rate (a random ranking's AP), ROC-AUC and per-article ROC-AUC (random: 0.5)
    beside the sentence-length baseline's per-article ROC-AUC, and P/R/F1 at the
    threshold."""
    header = (
        f"{'corpus':<12} {'docs':>4} {'sents':>6} {'pos.rate':>8} {'AP':>6} {'AUC':>6} "
        f"{'art.AUC':>7} {'len.AUC':>7} {'flagged':>8} {'P':>6} {'R':>6} {'F1':>6}"
    )
    lines = [header, "-" * len(header)]
    for corpus, row in sorted(result["corpora"].items()):
        lines.append(
            f"{corpus[:12]:<12} {row['documents']:>4} {row['sentences']:>6} "
            f"{row['positive_rate']:>8.1%} {_figure(row['average_precision']):>6} "
            f"{_figure(row['roc_auc']):>6} {_figure(row['article_auc']):>7} "
            f"{_figure(row['length_article_auc']):>7} {row['flagged_rate']:>8.1%} "
            f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}"
        )
    lines.append(
        "random ranking: AP = pos.rate, AUC = art.AUC = 0.500; len.AUC: sentences ranked by "
        "their length within each article"
    )
    lines.append(JOIN_NOTES[result["join"]])
    lines.append(
        f"threshold {result['threshold']:.2f}; {result['documents']} documents, "
        f"{result['sentences']:,} sentences in {result['seconds']:.2f} s "
        f"({result['sentences_per_second']:,.0f} sentences/s)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--split", choices=("held-out", "dev", "all"), default="held-out")
    parser.add_argument("--threshold", type=float, default=ACCEPT_THRESHOLD)
    parser.add_argument("--join", choices=(*JOINS, "both"), default="both")
    args = parser.parse_args(argv)
    doc_ids = None
    if args.split != "all":
        documents = load_documents(args.path)
        held_out = set(held_out_ids(documents))
        doc_ids = [
            doc.doc_id
            for doc in documents
            if (doc.doc_id in held_out) == (args.split == "held-out")
        ]
    joins = JOINS if args.join == "both" else (args.join,)
    print(
        "\n\n".join(
            format_report(evaluate(args.path, args.threshold, doc_ids, join)) for join in joins
        )
    )


if __name__ == "__main__":
    main()
