"""The evaluate_detection and benchmark_detection management commands.

The evaluation figures of tests/fixtures/eval-small.jsonl are worked out by hand in
tests/detection/test_evaluation.py; here the command must print them.
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.management.commands.benchmark_detection import benchmark_text
from claims.models import Article, Claim

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "eval-small.jsonl"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def row(output: str, corpus: str) -> list[str]:
    return next(line for line in output.splitlines() if line.startswith(corpus)).split()


# --- evaluate_detection ---------------------------------------------------------------


def test_evaluation_prints_the_figures_per_corpus():
    """Per corpus: documents, sentences, positive rate (the random baseline) beside AP,
    ROC-AUC, per-article ROC-AUC beside sentence length's, flagged rate, P, R, F1 at the
    default threshold; then the speed."""
    output = run("evaluate_detection", str(FIXTURE))
    assert "held-out split" in output
    header = next(line for line in output.splitlines() if line.startswith("corpus"))
    assert header.split() == [
        "corpus", "docs", "sents", "pos.rate", "AP", "AUC", "art.AUC", "len.AUC", "flagged",
        "P", "R", "F1",
    ]  # fmt: skip
    assert row(output, "alpha") == [
        "alpha", "2", "8", "50.0%", "0.950", "0.938", "0.875", "0.875", "25.0%", "1.000",
        "0.500", "0.667",
    ]  # fmt: skip
    assert row(output, "beta") == [
        "beta", "1", "3", "33.3%", "1.000", "1.000", "1.000", "1.000", "33.3%", "1.000",
        "1.000", "1.000",
    ]  # fmt: skip
    assert "threshold 0.50; 3 documents, 11 sentences" in output
    assert "sentences/s" in output


def test_evaluation_prints_both_ways_of_joining_rows_blocks_first(tmp_path):
    """By default a table for rows joined as blocks, then one for rows joined with spaces;
    --join picks one. A row of page furniture before a sentence gets the sentence's score
    only when joined with spaces."""
    rows = [
        ("Beaumont, Texas |", 0),
        ("An employee of the Jefferson County morgue died on Monday after being cremated "
         "by one of his 12 coworkers.", 1),
    ]  # fmt: skip
    path = tmp_path / "page.jsonl"
    path.write_text(
        "".join(
            json.dumps({"doc_id": "news:1", "sentence": s, "label": y, "source": "n"}) + "\n"
            for s, y in rows
        ),
        encoding="utf-8",
    )
    output = run("evaluate_detection", str(path))
    blocks, spaces = output.split("rows joined as blocks")
    assert "rows joined with spaces" in spaces
    assert row(blocks, "news")[6] == "1.000"  # art.AUC: the sentence above the furniture
    assert row(spaces, "news")[6] == "0.500"  # the same score: a tie
    only = run("evaluate_detection", str(path), "--join", "spaces")
    assert "rows joined as blocks" not in only
    assert row(only, "news")[6] == "0.500"


def test_evaluation_at_another_threshold():
    """At 0.8 only the police, ministry and unemployment sentences are flagged."""
    output = run("evaluate_detection", str(FIXTURE), "--threshold", "0.8")
    assert row(output, "alpha")[4] == "0.950"
    assert row(output, "alpha")[9:11] == ["1.000", "0.500"]
    assert "threshold 0.80" in output


def test_the_all_split_takes_every_document(tmp_path):
    """--split all evaluates the tuning documents too; --split dev only them."""
    rows = [
        {"doc_id": "policlaim:AL2022", "sentence": "Germany sent 300 tanks.", "label": 1},
        {"doc_id": "other:1", "sentence": "Thank you all for coming.", "label": 0},
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert "2 documents" in run("evaluate_detection", str(path), "--split", "all")
    dev = run("evaluate_detection", str(path), "--split", "dev")
    assert "1 documents" in dev
    assert row(dev, "policlaim")[:3] == ["policlaim", "1", "1"]
    held_out = run("evaluate_detection", str(path))
    assert row(held_out, "other")[:3] == ["other", "1", "1"]
    assert "policlaim" not in held_out


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("evaluate_detection", str(tmp_path / "absent.jsonl"))


def test_a_malformed_file_is_a_command_error_with_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = {"doc_id": "a:1", "sentence": "Words here.", "label": 1}
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Malformed file: .*:2:"):
        run("evaluate_detection", str(path))


def test_a_binary_file_is_a_command_error(tmp_path):
    path = tmp_path / "binary.jsonl"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(CommandError, match="not UTF-8"):
        run("evaluate_detection", str(path))


def test_an_empty_split_is_a_command_error():
    """The fixture has no tuning documents: --split dev has nothing to evaluate."""
    with pytest.raises(CommandError, match="no documents in the dev split"):
        run("evaluate_detection", str(FIXTURE), "--split", "dev")


@pytest.mark.parametrize("threshold", ["1.5", "-0.1", "high"])
def test_a_threshold_outside_0_1_is_a_command_error(threshold):
    with pytest.raises(CommandError, match="--threshold"):
        run("evaluate_detection", str(FIXTURE), "--threshold", threshold)


# --- benchmark_detection --------------------------------------------------------------


def test_the_benchmark_text_has_the_size_and_differs_per_repeat():
    """About the size asked for, paragraphs varied, and another text for each repeat."""
    first, second = benchmark_text(50_000, seed=1), benchmark_text(50_000, seed=2)
    assert 50_000 <= len(first.encode("utf-8")) < 53_000
    assert first != second
    paragraphs = first.split("\n\n")
    assert len(set(paragraphs)) == len(paragraphs)


@pytest.mark.django_db
def test_the_benchmark_prints_figures_and_keeps_nothing():
    """Each run's detection and import times and claims/s, then best and median;
    the imported articles are deleted afterwards, history included."""
    output = run("benchmark_detection", "--size-mb", "0.05", "--repeat", "2")
    lines = output.splitlines()
    assert "0.05 MB article" in lines[0]
    assert lines[1].split() == [
        "run", "MB", "chars", "proposed", "detect", "s", "claims", "import", "s", "claims/s"
    ]  # fmt: skip
    runs = [line.split() for line in lines if line.split()[0] in {"1", "2"}]
    assert len(runs) == 2
    for fields in runs:
        assert float(fields[1]) == pytest.approx(0.05, abs=0.01)
        assert int(fields[3].replace(",", "")) > 50  # proposals
        assert int(fields[5].replace(",", "")) > 50  # claims imported
    assert [line.split()[0] for line in lines[-3:-1]] == ["best", "median"]
    assert lines[-1].startswith("machine reference: a 10-million-step Python loop takes")
    assert not Article.objects.exists()
    assert not Claim.objects.exists()
    assert not Claim.history.exists()


@pytest.mark.django_db
def test_the_benchmark_refuses_nonsense_sizes():
    with pytest.raises(CommandError, match="--size-mb"):
        run("benchmark_detection", "--size-mb", "0")
