"""Learn the detector's weights from labelled sentences: the signals' weights, the
sentence length's weight and the bias, written to `signals.WEIGHTS_FILE`.

    python -m claims.detection.training PATH [--l2 1.0] [--cross-validate] [--out FILE]

Only the development documents (`evaluation.DEV_DOC_IDS`) are read for learning; the
held-out ones are left for `evaluate_detection`. Standard library only.

What is learned, and why so:

- A claim's score stays the logistic of the bias plus its signals' weights, so every
  weight is still shown to the reviewer as a signal ("Why this score"). The features are
  the signals' units (`signals.signal_units`) and the sentence's log length
  (`signals.length_units`).
- The weights order the sentences of one article: the loss is the logistic loss of every
  (check-worthy, not check-worthy) pair of labelled sentences in the same document, each
  sentence represented by its best claim and each document counting the same. That is
  what per-article ROC-AUC measures.
- The development file is small (13 documents), so the weights are pulled towards the
  rules' hand-set weights (`signals.RULE_WEIGHTS`; length 0) by an L2 penalty rather than
  towards 0: with little evidence a weight stays what the rules said.
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
)
from claims.detection.reading import proposed_claims
from claims.detection.signals import (
    RULE_BIAS,
    RULE_WEIGHTS,
    WEIGHTS_FILE,
    length_units,
    signal_units,
)

FEATURES = (*RULE_WEIGHTS, "length")
PRIOR = (*RULE_WEIGHTS.values(), 0.0)
DEFAULT_L2 = 3.0  # chosen by --cross-validate on the development documents

# One claim: its feature values (in FEATURES order) and its label.
Example = tuple[list[float], int]


def claim_features(claim, text: str) -> list[float]:
    """A claim's features, in FEATURES order, whatever the weights it was scored with."""
    units = dict.fromkeys(FEATURES, 0.0)
    for signal in claim.signals:
        if signal.name in RULE_WEIGHTS:
            units[signal.name] = signal_units(signal)
    units["length"] = length_units(len(text[claim.sentence_start : claim.sentence_end].split()))
    return list(units.values())


def document_examples(doc: Document) -> list[Example]:
    """Each labelled sentence with a claim, as the features of the claim overlapping it
    that the rules' weights score highest (`evaluation.score_document` gives a sentence
    its best claim's score), and the sentence's label. The document is rebuilt as the
    evaluation rebuilds it by default (rows joined as blocks)."""
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
    return [(b[1], label) for b, label in zip(best, doc.labels, strict=True) if b is not None]


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
    documents: Sequence[list[Example]], l2: float = DEFAULT_L2, iterations: int = 30
) -> list[float]:
    """Weights minimising the pairwise logistic loss within each document (each document
    weighing 1) plus l2/2 * |weights - PRIOR|^2, by Newton's method."""
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
    weights = list(PRIOR)
    for _ in range(iterations):
        gradient = [l2 * (w - c) for w, c in zip(weights, PRIOR, strict=True)]
        hessian = [[l2 if i == j else 0.0 for j in range(size)] for i in range(size)]
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


def cross_validated(documents: Sequence[list[Example]], corpora: Sequence[str], l2: float):
    """Per-article ROC-AUC per corpus, each document scored by weights fitted without it."""
    by_corpus: dict[str, list] = {}
    for index, examples in enumerate(documents):
        labels = [label for _, label in examples]
        if len(set(labels)) < 2:
            continue
        weights = fit_ranking(documents[:index] + documents[index + 1 :], l2)
        by_corpus.setdefault(corpora[index], []).append((_totals(weights, examples), labels))
    return {corpus: per_article_auc(articles) for corpus, articles in sorted(by_corpus.items())}


def learned_weights(path: str | Path, l2: float = DEFAULT_L2) -> dict:
    """The weights learned from the development documents of path, as written to
    WEIGHTS_FILE: {"bias", "length", "weights": {signal: weight}, "l2", "documents",
    "sentences"}."""
    dev = [doc for doc in load_documents(path) if doc.doc_id in DEV_DOC_IDS]
    if not dev:
        raise ValueError(f"{path} has none of the development documents")
    documents = [document_examples(doc) for doc in dev]
    weights = fit_ranking(documents, l2)
    every = [example for examples in documents for example in examples]
    return {
        "about": "Learned by claims.detection.training on the development documents only.",
        "l2": l2,
        "documents": len(dev),
        "sentences": len(every),
        "bias": round(calibrated_bias(weights, every), 3),
        "length": round(weights[-1], 3),
        "weights": {
            name: round(weight, 3) for name, weight in zip(RULE_WEIGHTS, weights, strict=False)
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="A labelled jsonl file such as checkworthy-dev.jsonl.")
    parser.add_argument("--l2", type=float, default=DEFAULT_L2)
    parser.add_argument("--out", default=str(WEIGHTS_FILE))
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="Print leave-one-document-out per-article ROC-AUC on the development "
        "documents for a few penalties instead of writing weights.",
    )
    args = parser.parse_args(argv)
    if args.cross_validate:
        dev = [doc for doc in load_documents(args.path) if doc.doc_id in DEV_DOC_IDS]
        documents = [document_examples(doc) for doc in dev]
        corpora = [doc.corpus for doc in dev]
        for l2 in (0.1, 0.3, 1.0, 3.0, 10.0):
            figures = cross_validated(documents, corpora, l2)
            print(f"l2 {l2:>5}: " + ", ".join(f"{c} {v:.3f}" for c, v in figures.items()))
        return
    learned = learned_weights(args.path, args.l2)
    Path(args.out).write_text(json.dumps(learned, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(learned, indent=2))


if __name__ == "__main__":
    main()
