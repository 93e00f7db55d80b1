"""Evaluating the claim detector on labelled sentences (the jsonl format).

Pure functions, no Django. The fixture tests/fixtures/eval-small.jsonl holds three small
documents whose figures are worked out by hand in the docstrings below.
"""

import json
import math
from pathlib import Path

import pytest

from claims.detection.claims import ACCEPT_THRESHOLD
from claims.detection.evaluation import (
    DEV_DOC_IDS,
    Document,
    average_precision,
    evaluate,
    format_report,
    held_out_ids,
    joined_text,
    load_documents,
    per_article_auc,
    precision_recall_f1,
    roc_auc,
    row_separator,
    score_document,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "eval-small.jsonl"
# The labelled file lives beside the repository (../shared/eval), not in it: its licences
# allow internal evaluation, not redistribution.
DEV_FILE = Path(__file__).resolve().parents[3] / "shared" / "eval" / "checkworthy-dev.jsonl"


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# --- Metrics --------------------------------------------------------------------------


def test_average_precision_of_a_perfect_ranking_is_one():
    """All positives ranked above all negatives: AP = 1."""
    assert average_precision([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0]) == 1.0


def test_average_precision_of_the_worst_ranking():
    """The only positive ranked last of three: AP = precision at rank 3 = 1/3."""
    assert average_precision([0.9, 0.8, 0.1], [0, 0, 1]) == pytest.approx(1 / 3)


def test_average_precision_averages_precision_at_each_positive():
    """Positives at ranks 1 and 3: AP = (1/1 + 2/3) / 2 = 5/6."""
    assert average_precision([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]) == pytest.approx(5 / 6)


def test_tied_scores_enter_the_ranking_together():
    """A positive tied with a negative gets precision 1/2, whatever their order."""
    assert average_precision([0.5, 0.5], [1, 0]) == pytest.approx(0.5)
    assert average_precision([0.5, 0.5], [0, 1]) == pytest.approx(0.5)
    # Ranks: 0.9 (pos), then {0.4 pos, 0.4 neg} together: (1 + 2/3) / 2.
    assert average_precision([0.4, 0.9, 0.4], [0, 1, 1]) == pytest.approx(5 / 6)


def test_average_precision_without_positives_is_undefined():
    """With no positive label there is nothing to rank: AP is NaN."""
    assert math.isnan(average_precision([0.2, 0.9], [0, 0]))


def test_roc_auc_is_the_share_of_positive_negative_pairs_in_order():
    """Positives {0.9, 0.4} against negatives {0.5, 0.1}: 3 of 4 pairs in order; a tie
    counts half; without both classes it is undefined."""
    assert roc_auc([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0]) == pytest.approx(0.75)
    assert roc_auc([0.5, 0.5], [1, 0]) == pytest.approx(0.5)
    assert roc_auc([0.2, 0.9, 0.9, 0.2], [0, 1, 0, 1]) == pytest.approx(0.5)
    assert math.isnan(roc_auc([0.3, 0.4], [1, 1]))


def test_per_article_auc_averages_the_articles_with_both_labels():
    """(1.0 + 0.5) / 2; an article of one label has no AUC and is left out."""
    articles = [([0.9, 0.1], [1, 0]), ([0.5, 0.5], [1, 0]), ([0.3], [1])]
    assert per_article_auc(articles) == pytest.approx(0.75)
    assert math.isnan(per_article_auc([([0.3], [1])]))


def test_metrics_refuse_mismatched_lengths():
    """Scores and labels of different lengths are an error."""
    with pytest.raises(ValueError, match="differ in length"):
        average_precision([0.1], [1, 0])
    with pytest.raises(ValueError, match="differ in length"):
        precision_recall_f1([0.1], [1, 0], 0.5)


def test_precision_recall_f1_at_a_threshold():
    """Flagged {0.9, 0.6} of labels {1, 0}; missed one positive: P = R = F1 = 1/2."""
    assert precision_recall_f1([0.9, 0.6, 0.4, 0.2], [1, 0, 1, 0], 0.5) == pytest.approx(
        (0.5, 0.5, 0.5)
    )


def test_a_score_equal_to_the_threshold_is_flagged():
    """The threshold is inclusive, like ACCEPT_THRESHOLD in the importer."""
    assert precision_recall_f1([0.5], [1], 0.5) == (1.0, 1.0, 1.0)


def test_precision_without_flags_and_recall_without_positives_are_zero():
    """Nothing flagged gives precision 0; no positives gives recall 0; F1 is then 0."""
    assert precision_recall_f1([0.1, 0.2], [1, 0], 0.5) == (0.0, 0.0, 0.0)
    assert precision_recall_f1([0.9], [0], 0.5) == (0.0, 0.0, 0.0)


# --- Documents ------------------------------------------------------------------------


def test_consecutive_lines_make_a_document():
    """Lines are grouped by doc_id in file order, keeping sentences, labels and source."""
    documents = load_documents(FIXTURE)
    assert [d.doc_id for d in documents] == ["alpha:doc1", "alpha:doc2", "beta:doc1"]
    assert [len(d.sentences) for d in documents] == [4, 4, 3]
    assert documents[0].labels == [1, 0, 0, 1]
    assert documents[0].source == "Alpha corpus"
    assert documents[0].corpus == "alpha"


def test_a_document_split_across_the_file_is_an_error(tmp_path):
    """A doc_id that comes back after another document means a broken file."""
    row = {"sentence": "Some words here.", "label": 0, "source": "s"}
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        [{**row, "doc_id": "a:1"}, {**row, "doc_id": "a:2"}, {**row, "doc_id": "a:1"}],
    )
    with pytest.raises(ValueError, match="not contiguous"):
        load_documents(path)


def test_malformed_lines_are_errors_with_their_line_number(tmp_path):
    """A line that is not JSON, or whose label is not 0/1, is reported with its number."""
    good = {"doc_id": "a:1", "sentence": "Words.", "label": 1, "source": "s"}
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_documents(broken)
    bad_label = write_jsonl(tmp_path / "label.jsonl", [good, {**good, "label": 2}])
    with pytest.raises(ValueError, match=":2:"):
        load_documents(bad_label)


def test_joined_text_keeps_each_sentence_offsets():
    """Joined with spaces, sentences are joined by single spaces; each range points at its
    sentence."""
    doc = Document("x:1", "s", ["One two.", "", "Three four."], [1, 0, 0])
    text, ranges = joined_text(doc, "spaces")
    assert text == "One two.  Three four."
    assert ranges == [(0, 8), (9, 9), (10, 21)]
    assert [text[a:b] for a, b in ranges] == doc.sentences


def test_joined_as_blocks_a_row_without_a_sentence_end_ends_its_paragraph():
    """The default join: a space after a row that ends a sentence (closing quotes or
    brackets after the terminator), a blank line after any other row; ranges still point
    at each row."""
    rows = ["Beaumont, Texas |", "He said “no.”", "Read More", "(APPLAUSE)", "Why? ", "Gov."]
    doc = Document("x:1", "s", rows, [0] * len(rows))
    text, ranges = joined_text(doc)
    assert text == "Beaumont, Texas |\n\nHe said “no.” Read More\n\n(APPLAUSE)\n\nWhy?  Gov."
    assert [text[a:b] for a, b in ranges] == rows
    assert [row_separator(row) for row in rows] == ["\n\n", " ", "\n\n", "\n\n", " ", " "]
    assert {row_separator(row, "spaces") for row in rows} == {" "}
    with pytest.raises(ValueError, match="join"):
        row_separator("Read More", "lines")


def test_page_furniture_is_not_scored_as_the_next_sentence():
    """A row of page furniture before a sentence: joined with spaces the detector reads
    both as one sentence and both get its score; joined as blocks the furniture is a
    paragraph of its own and scores below the sentence."""
    doc = Document(
        "x:1",
        "s",
        [
            "Beaumont, Texas |",
            "An employee of the Jefferson County morgue died on Monday after being "
            "cremated by one of his 12 coworkers.",
        ],
        [0, 1],
    )
    furniture, sentence = score_document(doc, "spaces")
    assert furniture == sentence
    furniture, sentence = score_document(doc)
    assert furniture < 0.5 <= sentence


def test_a_sentence_scores_the_best_claim_overlapping_it():
    """Each sentence gets the highest score of the claims overlapping it, 0 without one."""
    doc = Document(
        "x:1",
        "s",
        [
            "Thank you.",
            "Germany sent 300 tanks and 40 armoured vehicles to the border on Monday.",
            "We must act now to win.",
        ],
        [0, 1, 0],
    )
    scores = score_document(doc)
    assert scores[0] == 0.0
    assert scores[1] >= ACCEPT_THRESHOLD
    assert 0.0 < scores[2] < ACCEPT_THRESHOLD


def test_a_claim_spanning_two_eval_sentences_scores_both():
    """When the detector sees one sentence where the file has two rows, both get its score."""
    rows = ["Mr.", "Smith sent 300 tanks and 40 vehicles to Kyiv on Monday."]
    doc = Document("x:1", "s", rows, [0, 1])
    scores = score_document(doc)
    assert scores[0] == scores[1] >= ACCEPT_THRESHOLD


# --- The fixture file -----------------------------------------------------------------


def test_fixture_sentences_score_as_designed():
    """The fixture's flagged sentences are the three figures-and-names ones (the court
    ruling, 0.49, and the short "Germany sent 300 tanks", 0.42, are ranked high but not
    accepted)."""
    flagged = {
        sentence
        for doc in load_documents(FIXTURE)
        for sentence, score in zip(doc.sentences, score_document(doc), strict=True)
        if score >= ACCEPT_THRESHOLD
    }
    assert flagged == {
        "The ministry said that exports rose 12 percent in 2023 to $4.5 billion.",
        "Police arrested 40 protesters in Lyon on Saturday, according to the prefecture.",
        "Unemployment fell to 3.9 percent in May, the lowest rate since 2000.",
    }


def test_evaluate_gives_the_hand_computed_figures_per_corpus():
    """Alpha: 8 sentences, 4 positive; flagged the ministry and police positives.

    Ranking: ministry, police, the unflagged court (positives), Germany (negative), the
    "worked hard" positive, then the negatives: AP = (1 + 1 + 1 + 4/5) / 4 = 0.95; P = 1,
    R = 1/2, F1 = 2/3. Beta: its single positive ranks first: all figures 1.
    """
    result = evaluate(FIXTURE)
    assert result["documents"] == 3
    assert result["sentences"] == 11
    assert result["threshold"] == ACCEPT_THRESHOLD
    assert result["sentences_per_second"] > 0
    alpha, beta = result["corpora"]["alpha"], result["corpora"]["beta"]
    assert alpha["documents"] == 2
    assert alpha["sentences"] == 8
    assert alpha["positives"] == 4
    assert alpha["positive_rate"] == 0.5
    assert alpha["flagged_rate"] == 0.25
    assert alpha["average_precision"] == pytest.approx(0.95)
    assert (alpha["precision"], alpha["recall"], alpha["f1"]) == pytest.approx((1.0, 0.5, 2 / 3))
    # Per article: doc1's positives (0.83, 0.82) outscore its negatives (0.01, 0): 1.0;
    # doc2's (0.49, 0.09) against (0.42, 0.01): 3 of 4 pairs. Pooled: 15 of 16 pairs. By
    # length: doc1 (13, 12 words against 6, 8) 1.0, doc2 (13, 9 against 10, 7) 3 of 4.
    assert alpha["roc_auc"] == pytest.approx(15 / 16)
    assert alpha["article_auc"] == pytest.approx(0.875)
    assert alpha["length_article_auc"] == pytest.approx(0.875)
    assert beta["sentences"] == 3
    assert beta["positive_rate"] == pytest.approx(1 / 3)
    assert beta["average_precision"] == 1.0
    assert (beta["precision"], beta["recall"], beta["f1"]) == (1.0, 1.0, 1.0)


def test_evaluate_only_the_documents_asked_for():
    """doc_ids limits the evaluation to those documents."""
    result = evaluate(FIXTURE, doc_ids=["alpha:doc2"])
    assert result["documents"] == 1
    assert list(result["corpora"]) == ["alpha"]
    alpha = result["corpora"]["alpha"]
    # Court (pos) 0.49, Germany (neg) 0.42, "worked hard" (pos) 0.09, "I believe" (neg).
    assert alpha["average_precision"] == pytest.approx((1 + 2 / 3) / 2)
    assert (alpha["precision"], alpha["recall"]) == (0.0, 0.0)


def test_a_higher_threshold_flags_fewer_sentences():
    """At threshold 0.82 only the ministry (0.833) and unemployment (0.829) sentences are
    flagged, not the police one (0.819)."""
    result = evaluate(FIXTURE, threshold=0.82)
    alpha = result["corpora"]["alpha"]
    assert (alpha["precision"], alpha["recall"]) == pytest.approx((1.0, 0.25))
    assert alpha["flagged_rate"] == 1 / 8
    assert alpha["average_precision"] == pytest.approx(0.95)  # the ranking is unchanged


def test_the_report_is_a_table_of_the_figures():
    """The report has one row per corpus: positive rate beside AP, ROC-AUC, per-article
    ROC-AUC beside the sentence-length baseline's, then P, R and F1; and the random
    baseline."""
    report = format_report(evaluate(FIXTURE))
    lines = report.splitlines()
    assert lines[0].split() == [
        "corpus", "docs", "sents", "pos.rate", "AP", "AUC", "art.AUC", "len.AUC", "flagged",
        "P", "R", "F1",
    ]  # fmt: skip
    alpha = next(line for line in lines if line.startswith("alpha"))
    assert alpha.split() == [
        "alpha", "2", "8", "50.0%", "0.950", "0.938", "0.875", "0.875", "25.0%", "1.000",
        "0.500", "0.667",
    ]  # fmt: skip
    assert "rows joined as blocks" in report
    assert "random ranking: AP = pos.rate, AUC = art.AUC = 0.500" in report
    assert "threshold 0.50" in report
    assert "11 sentences" in report


def test_an_undefined_ap_is_reported_as_not_applicable(tmp_path):
    """A corpus without positives shows 'n/a' for AP rather than a number."""
    path = write_jsonl(
        tmp_path / "neg.jsonl",
        [{"doc_id": "z:1", "sentence": "Germany sent 300 tanks.", "label": 0, "source": "z"}],
    )
    assert "n/a" in format_report(evaluate(path))


# --- The tuning split -----------------------------------------------------------------


def test_held_out_documents_exclude_the_tuning_documents():
    """The held-out ids are the documents not in DEV_DOC_IDS."""
    documents = [Document(doc_id, "s") for doc_id in ["policlaim:AL2022", "policlaim:AK2022"]]
    assert held_out_ids(documents) == ["policlaim:AK2022"]


def test_the_split_keeps_every_corpus_in_the_held_out_part():
    """On the dev file, each corpus has held-out documents, and every dev id exists."""
    if not DEV_FILE.exists():
        pytest.skip("the labelled dev file is not available")
    documents = load_documents(DEV_FILE)
    ids = {d.doc_id for d in documents}
    assert ids >= DEV_DOC_IDS
    held_out = set(held_out_ids(documents))
    assert held_out.isdisjoint(DEV_DOC_IDS)
    assert {doc_id.split(":")[0] for doc_id in held_out} == {"policlaim", "clef2019", "hyphen"}
