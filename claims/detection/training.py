"""Learn the detector's weights from labelled sentences: the signals' weights, the
claim length's weight and the bias, written to `signals.WEIGHTS_FILE`.

    python -m claims.detection.training PATH [--l2 100] [--l2-unruled 0.1] [--cross-validate]
        [--out FILE]

Only the development documents (`evaluation.DEV_DOC_IDS`) are read for learning; the
held-out ones are left for `evaluate_detection`. Standard library only.

What is learned, and why so:

- A claim's score stays the logistic of the bias plus its signals' weights, so every
  weight is still shown to the reviewer as a signal ("Why this score"). The features are
  the signals' units (`signals.signal_units`), the claim's log length
  (`signals.length_units`) and its words of the speaker or the reader
  (`signals.personal_words`), both counted in the claim's own words.
- The weights order the sentences of one article: the loss is the logistic loss of every
  (check-worthy, not check-worthy) pair of labelled sentences in the same document, each
  sentence represented by its best claim and each document counting the same. That is
  what per-article ROC-AUC measures.
- The development file is small (13 documents), so the weights are pulled towards the
  rules' hand-set weights (`signals.RULE_WEIGHTS`) by an L2 penalty rather than towards 0:
  with little evidence a weight stays what the rules said. The features the rules did not
  weigh (`UNRULED`: length, personal) are pulled towards 0 by a penalty of their own: one
  penalty for both would keep length, which orders an article's sentences well, as small
  as the rules' weights are firm. Both penalties are chosen by leave-one-document-out
  cross-validation on the development documents (`--cross-validate`).
- Pairs say nothing about the bias. It is set so that the detector accepts as many of
  the development documents' claims at ACCEPT_THRESHOLD as the rules did: learning
  changes which claims are accepted, not how many a desk has to read.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
from collections.abc import Sequence
from pathlib import Path

from claims.detection.claims import ACCEPT_THRESHOLD
from claims.detection.evaluation import (
    DEV_DOC_IDS,
    Document,
    joined_text,
    load_documents,
    per_article_auc,
    sentence_length,
)
from claims.detection.reading import proposed_claims
from claims.detection.signals import (
    RULE_BIAS,
    RULE_WEIGHTS,
    WEIGHTS_FILE,
    length_units,
    personal_words,
    signal_units,
)

FEATURES = (*RULE_WEIGHTS, "length")
PRIOR = (*RULE_WEIGHTS.values(), 0.0)
# The features the rules gave no weight: counted in the claim's words, pulled towards 0.
UNRULED = ("personal", "length")
# Chosen by --cross-validate on the development documents (the best mean over corpora of
# the per-article ROC-AUC, `cross_validated`).
DEFAULT_L2 = 100.0
DEFAULT_L2_UNRULED = 0.1
GRID_L2 = (1.0, 3.0, 10.0, 30.0, 100.0)
GRID_L2_UNRULED = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)

# One claim: its feature values (in FEATURES order) and its label.
Example = tuple[list[float], int]
# One labelled sentence: its best claim's features (None if no claim overlaps it), label.
Row = tuple[list[float] | None, int]


def claim_features(claim, text: str) -> list[float]:
    """A claim's features, in FEATURES order, whatever the weights it was scored with."""
    units = dict.fromkeys(FEATURES, 0.0)
    for signal in claim.signals:
        if signal.name in RULE_WEIGHTS and signal.name not in UNRULED:
            units[signal.name] = signal_units(signal)
    units["personal"] = float(len(personal_words(claim.quote)))
    units["length"] = length_units(len(claim.quote.split()))
    return list(units.values())


def document_examples(doc: Document) -> list[Example]:
    """Each labelled sentence with a claim, as the features of the claim overlapping it
    that the rules' weights score highest (`evaluation.score_document` gives a sentence
    its best claim's score), and the sentence's label (`document_rows` without the
    sentences no claim overlaps)."""
    return [(features, label) for features, label in document_rows(doc) if features is not None]


def document_rows(doc: Document) -> list[Row]:
    """Each labelled sentence as the features of its best claim by the rules' weights
    (None if no claim overlaps it: the evaluation scores it 0, below every claim) and its
    label. The document is rebuilt as the evaluation rebuilds it by default (rows joined as
    blocks)."""
    text, ranges = joined_text(doc)
    starts = [start for start, _ in ranges]
    best: list[tuple[float, list[float]] | None] = [None] * len(ranges)
    for claim in proposed_claims(text):
        features = claim_features(claim, text)
        total = sum(w * x for w, x in zip(PRIOR, features, strict=True))
        index = max(0, bisect.bisect_right(starts, claim.start) - 1)
        while index < len(ranges) and ranges[index][0] < claim.end:
            start, end = ranges[index]
            better = best[index] is None or total > best[index][0]
            if start < end and end > claim.start and better:
                best[index] = (total, features)
            index += 1
    return [(None if b is None else b[1], label) for b, label in zip(best, doc.labels, strict=True)]


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """x with matrix @ x = vector (Gaussian elimination, partial pivoting)."""
    size = len(vector)
    rows = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(rows[r][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for r in range(size):
            if r != column and rows[r][column]:
                factor = rows[r][column] / rows[column][column]
                for k in range(column, size + 1):
                    rows[r][k] -= factor * rows[column][k]
    return [rows[i][size] / rows[i][i] for i in range(size)]


def fit_ranking(
    documents: Sequence[list[Example]],
    l2: float = DEFAULT_L2,
    l2_unruled: float = DEFAULT_L2_UNRULED,
    iterations: int = 30,
) -> list[float]:
    """Weights minimising the pairwise logistic loss within each document (each document
    weighing 1) plus l2/2 * |weights - PRIOR|^2 over the rules' features and
    l2_unruled/2 * |weights|^2 over the UNRULED ones, by Newton's method."""
    pairs: list[tuple[list[float], float]] = []
    for examples in documents:
        positives = [x for x, label in examples if label]
        negatives = [x for x, label in examples if not label]
        if not positives or not negatives:
            continue
        share = 1.0 / (len(positives) * len(negatives))
        for p in positives:
            for n in negatives:
                pairs.append(([a - b for a, b in zip(p, n, strict=True)], share))
    size = len(PRIOR)
    penalty = [l2_unruled if name in UNRULED else l2 for name in FEATURES]
    weights = list(PRIOR)
    for _ in range(iterations):
        gradient = [p * (w - c) for p, w, c in zip(penalty, weights, PRIOR, strict=True)]
        hessian = [[penalty[i] if i == j else 0.0 for j in range(size)] for i in range(size)]
        for difference, share in pairs:
            margin = sum(w * d for w, d in zip(weights, difference, strict=True))
            p = 1.0 / (1.0 + math.exp(min(30.0, max(-30.0, margin))))  # P(pair misordered)
            nonzero = [i for i in range(size) if difference[i]]
            for i in nonzero:
                gradient[i] -= share * p * difference[i]
                curvature = share * p * (1.0 - p) * difference[i]
                for j in nonzero:
                    hessian[i][j] += curvature * difference[j]
        step = _solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return weights


def _totals(weights: Sequence[float], examples: Sequence[Example]) -> list[float]:
    return [sum(w * x for w, x in zip(weights, features, strict=True)) for features, _ in examples]


def calibrated_bias(weights: Sequence[float], examples: Sequence[Example]) -> float:
    """The bias with which as many of the examples (labelled sentences) score >=
    ACCEPT_THRESHOLD as with the rules' weights and bias: halfway between the last total
    accepted and the next."""
    threshold = math.log(ACCEPT_THRESHOLD / (1 - ACCEPT_THRESHOLD))
    accepted = sum(1 for total in _totals(PRIOR, examples) if RULE_BIAS + total >= threshold)
    totals = sorted(_totals(weights, examples), reverse=True)
    if accepted == 0:
        return threshold - totals[0] - 1.0
    if accepted == len(totals):
        return threshold - totals[-1] + 1.0
    return threshold - (totals[accepted - 1] + totals[accepted]) / 2


def cross_validated(
    documents: Sequence[list[Row]],
    corpora: Sequence[str],
    l2: float = DEFAULT_L2,
    l2_unruled: float = DEFAULT_L2_UNRULED,
) -> dict[str, float]:
    """Per-article ROC-AUC per corpus, each document scored by weights fitted without it, as
    the evaluation scores it (a sentence no claim overlaps below every claim)."""
    examples = [[(x, label) for x, label in rows if x is not None] for rows in documents]
    by_corpus: dict[str, list] = {}
    for index, rows in enumerate(documents):
        labels = [label for _, label in rows]
        if len(set(labels)) < 2:
            continue
        weights = fit_ranking(examples[:index] + examples[index + 1 :], l2, l2_unruled)
        scores = [-math.inf if x is None else _total(weights, x) for x, _ in rows]
        by_corpus.setdefault(corpora[index], []).append((scores, labels))
    return {corpus: per_article_auc(articles) for corpus, articles in sorted(by_corpus.items())}


def _total(weights: Sequence[float], features: Sequence[float]) -> float:
    return sum(w * x for w, x in zip(weights, features, strict=True))


def learned_weights(
    path: str | Path, l2: float = DEFAULT_L2, l2_unruled: float = DEFAULT_L2_UNRULED
) -> dict:
    """The weights learned from the development documents of path, as written to
    WEIGHTS_FILE: {"bias", "length", "weights": {signal: weight}, "l2", "l2_unruled",
    "documents", "sentences"}."""
    dev = [doc for doc in load_documents(path) if doc.doc_id in DEV_DOC_IDS]
    if not dev:
        raise ValueError(f"{path} has none of the development documents")
    documents = [document_examples(doc) for doc in dev]
    weights = fit_ranking(documents, l2, l2_unruled)
    every = [example for examples in documents for example in examples]
    return {
        "about": "Learned by claims.detection.training on the development documents only.",
        "l2": l2,
        "l2_unruled": l2_unruled,
        "documents": len(dev),
        "sentences": len(every),
        "bias": round(calibrated_bias(weights, every), 3),
        "length": round(weights[-1], 3),
        "weights": {
            name: round(weight, 3) for name, weight in zip(RULE_WEIGHTS, weights, strict=False)
        },
    }


def cross_validation_report(path: str | Path) -> str:
    """Leave-one-document-out per-article ROC-AUC on the development documents of path for
    each pair of penalties in GRID_L2 x GRID_L2_UNRULED, beside sentence length's, and the
    pair with the best mean over corpora (what DEFAULT_L2 and DEFAULT_L2_UNRULED are)."""
    dev = [doc for doc in load_documents(path) if doc.doc_id in DEV_DOC_IDS]
    documents = [document_rows(doc) for doc in dev]
    corpora = [doc.corpus for doc in dev]
    lengths = {}
    for doc in dev:
        if len(set(doc.labels)) == 2:
            article = ([sentence_length(s) for s in doc.sentences], doc.labels)
            lengths.setdefault(doc.corpus, []).append(article)
    baseline = {corpus: per_article_auc(articles) for corpus, articles in lengths.items()}
    lines = ["sentence length: " + ", ".join(f"{c} {v:.3f}" for c, v in sorted(baseline.items()))]
    best = None
    for l2 in GRID_L2:
        for l2_unruled in GRID_L2_UNRULED:
            figures = cross_validated(documents, corpora, l2, l2_unruled)
            mean = sum(figures.values()) / len(figures)
            if best is None or mean > best[0]:
                best = (mean, l2, l2_unruled)
            lines.append(
                f"l2 {l2:>5} l2-unruled {l2_unruled:>5}: mean {mean:.3f}, "
                + ", ".join(f"{c} {v:.3f}" for c, v in figures.items())
            )
    lines.append(f"best mean {best[0]:.3f}: --l2 {best[1]} --l2-unruled {best[2]}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="A labelled jsonl file such as checkworthy-dev.jsonl.")
    parser.add_argument("--l2", type=float, default=DEFAULT_L2)
    parser.add_argument("--l2-unruled", type=float, default=DEFAULT_L2_UNRULED)
    parser.add_argument("--out", default=str(WEIGHTS_FILE))
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="Print leave-one-document-out per-article ROC-AUC on the development "
        "documents for a grid of penalties instead of writing weights.",
    )
    args = parser.parse_args(argv)
    if args.cross_validate:
        print(cross_validation_report(args.path))
        return
    learned = learned_weights(args.path, args.l2, args.l2_unruled)
    Path(args.out).write_text(json.dumps(learned, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(learned, indent=2))


if __name__ == "__main__":
    main()
