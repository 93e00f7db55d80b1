"""Measuring the article extraction: the benchmark's shingle metric and the command."""

import gzip
import json
import re
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.sources.evaluation import PageScore, evaluate_folder, page_score, shingles
from tests.sources.test_extraction import FIXTURES, SHARED

TARGET_F1 = 0.958  # the best published open-source figure (trafilatura 2.0.0, all 181 pages)


@pytest.fixture
def folder(tmp_path):
    """The fixture pages laid out as the benchmark: html/<key>.html.gz and ground-truth.json."""
    (tmp_path / "html").mkdir()
    for page in FIXTURES.glob("*.html"):
        (tmp_path / "html" / f"{page.stem}.html.gz").write_bytes(gzip.compress(page.read_bytes()))
    shutil.copy(FIXTURES / "ground-truth.json", tmp_path / "ground-truth.json")
    return tmp_path


def figures(output: str) -> dict[str, float]:
    return {name: float(value) for name, value in re.findall(r"^(\w+)\s+([\d.]+)$", output, re.M)}


def test_shingles_are_runs_of_four_word_tokens_counted():
    """Punctuation and spacing do not matter; a repeated run counts twice."""
    assert shingles("a b, c d! a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }
    assert shingles("two words") == {("two", "words"): 1}
    assert shingles("") == {}


def test_page_score_counts_shared_and_extra_shingles():
    """Extra words lower precision, missing words lower recall, by shingle counts."""
    truth = "one two three four five six"  # 3 shingles
    score = page_score("k", truth, "menu menu menu menu " + truth)  # 3 shared, 4 extra
    assert score.recall == 1.0
    assert score.precision == pytest.approx(3 / 7)
    assert not score.exact
    score = page_score("k", truth, "one two three four five")  # 2 of 3 found
    assert (score.precision, score.recall) == (1.0, pytest.approx(2 / 3))


def test_page_score_edge_cases():
    """Nothing to find and nothing found scores 1; nothing found where there was text, 0;
    identical token sequences are exact whatever the punctuation."""
    assert page_score("k", "", "") == PageScore("k", 1.0, 1.0, True)
    missed = page_score("k", "one two three four", "")
    assert (missed.precision, missed.recall) == (0.0, 0.0)
    assert page_score("k", "One, two: three four.", "One two three four").exact


def test_evaluate_folder_averages_per_page(folder):
    """Precision and recall are averaged over pages and F1 comes from the two averages."""
    pages = {"seoul-visit": 0.5, "council-budget": 1.0}

    def extract(html):
        # Half the Seoul page's text is missed; the budget page is exact; others empty.
        for key, share in pages.items():
            body = json.loads((folder / "ground-truth.json").read_text())[key]["articleBody"]
            if body.split()[5] in html:
                words = body.split()
                return " ".join(words[: int(len(words) * share)])
        return ""

    report = evaluate_folder(folder, extract)
    scores = {page.key: page for page in report.pages}
    assert len(report.pages) == 4
    assert scores["council-budget"].exact
    assert scores["seoul-visit"].precision == 1.0
    assert 0.45 < scores["seoul-visit"].recall < 0.55
    assert scores["script-laden"].recall == 0.0
    expected_recall = sum(page.recall for page in report.pages) / 4
    assert report.recall == pytest.approx(expected_recall)
    precision, recall = report.precision, report.recall
    assert report.f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_command_prints_the_figures_of_the_desk_extraction(folder):
    """On the fixture pages the desk's extraction finds exactly the marked text."""
    out = StringIO()
    call_command("evaluate_extraction", str(folder), "--worst", "2", stdout=out)
    found = figures(out.getvalue())
    assert found["pages"] == 4
    assert found["F1"] == found["precision"] == found["recall"] == found["accuracy"] == 1.0
    assert "lowest-scoring pages" in out.getvalue()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda folder: (folder / "ground-truth.json").unlink(), "no ground-truth.json"),
        (lambda folder: (folder / "ground-truth.json").write_text("{"), "Malformed folder"),
        (lambda folder: (folder / "ground-truth.json").write_text("[]"), "Malformed folder"),
        (lambda folder: (folder / "html" / "seoul-visit.html.gz").unlink(), "is missing"),
        (
            lambda folder: (folder / "html" / "seoul-visit.html.gz").write_bytes(b"not gzip"),
            "Cannot read",
        ),
        (lambda folder: (folder / "ground-truth.json").write_bytes(b"\xff\xfe{"), "not UTF-8"),
    ],
)
def test_command_refuses_a_broken_folder(folder, damage, message):
    """A missing or malformed file is a clear error, not a traceback."""
    damage(folder)
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_extraction", str(folder), stdout=StringIO())


@pytest.mark.skipif(
    not (SHARED / "ground-truth.json").is_file(),
    reason=f"the shared extraction pages are not at {SHARED} (set EXTRACTION_EVAL_DIR)",
)
def test_command_reaches_the_target_on_the_shared_pages():
    """On the 90 shared news pages the desk's extraction reaches the best published F1."""
    out = StringIO()
    call_command("evaluate_extraction", str(SHARED), stdout=out)
    found = figures(out.getvalue())
    assert found["pages"] == 90
    assert found["F1"] >= TARGET_F1
