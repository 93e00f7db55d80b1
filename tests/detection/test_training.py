"""The learned scorer: the weights file the detector reads, the signals' units and the
length signal, the ranking fit and the bias calibration, and that the shipped weights
are what the training script learns from the development documents. Pure functions."""

import json
import math
import os
from collections import Counter
from pathlib import Path

import pytest

from claims.detection import proposed_claims
from claims.detection.claims import ACCEPT_THRESHOLD
from claims.detection.evaluation import load_documents
from claims.detection.signals import (
    BIAS,
    LENGTH_BOUNDS,
    LENGTH_REFERENCE,
    LENGTH_WEIGHT,
    PERSONAL_CAP,
    RULE_BIAS,
    RULE_WEIGHTS,
    WEIGHTS,
    WEIGHTS_FILE,
    Signal,
    claim_signals,
    length_signal,
    personal_signal,
    personal_words,
    read_weights,
    scan,
    signal_units,
)
from claims.detection.training import (
    DEFAULT_L2,
    DEFAULT_L2_UNRULED,
    FEATURES,
    PRIOR,
    UNRULED,
    calibrated_bias,
    cross_validated,
    document_examples,
    fit_ranking,
    learned_weights,
)
from tests.detection.test_evaluation import DEV_FILE, FIXTURE

# In a worktree the labelled file is not beside the repository: CHECKWORTHY_DEV names it.
DEV = Path(os.environ.get("CHECKWORTHY_DEV", DEV_FILE))


def logistic(total):
    return round(1 / (1 + math.exp(-total)), 3)


# --- The weights file ------------------------------------------------------------------


def test_without_a_weights_file_the_rules_weights_apply(tmp_path):
    assert read_weights(tmp_path / "absent.json") == (RULE_BIAS, RULE_WEIGHTS, 0.0)


def test_a_weights_file_gives_the_bias_the_weights_and_the_length_weight(tmp_path):
    path = tmp_path / "weights.json"
    weights = dict.fromkeys(RULE_WEIGHTS, 0.25)
    path.write_text(json.dumps({"bias": -0.5, "length": 0.75, "weights": weights}))
    assert read_weights(path) == (-0.5, weights, 0.75)


def test_a_weights_file_missing_a_signal_is_refused(tmp_path):
    """A file from another version of the signals must not leave a signal weightless."""
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"bias": 0, "length": 0, "weights": {"quantity": 1.0}}))
    with pytest.raises(KeyError):
        read_weights(path)


def test_the_detector_reads_the_shipped_weights_and_keeps_the_fixed_ones():
    bias, weights, length = read_weights(WEIGHTS_FILE)
    assert (bias, length) == (BIAS, LENGTH_WEIGHT)
    assert {name: WEIGHTS[name] for name in RULE_WEIGHTS} == weights
    assert WEIGHTS["run_on"] == -8.0
    assert WEIGHTS["needs_editing"] == 0.0


# --- Units and length -------------------------------------------------------------------


def signals_of(text):
    return {s.name: s for s in claim_signals(scan(text).hits, attribution="", question=False)}


def test_units_count_distinct_names_up_to_the_cap_and_several_opinion_words():
    signals = signals_of("Paris, Berlin, Madrid and Rome are great and wonderful cities.")
    assert signal_units(signals["named_entity"]) == 3.0
    assert signal_units(signals["opinion"]) == 1.5
    assert signal_units(signals_of("Paris is great.")["opinion"]) == 1.0
    assert signal_units(signals_of("Paris is great.")["named_entity"]) == 1.0
    assert signal_units(Signal("quantity", 9.0, "3")) == 1.0


def test_a_longer_sentence_weighs_for_a_fragment_against_within_bounds():
    assert length_signal(LENGTH_REFERENCE) is None  # log(1) = 0: no signal shown
    long, short = length_signal(40), length_signal(4)
    assert long.weight == round(LENGTH_WEIGHT * math.log(2), 2) > 0
    assert short.weight < 0
    assert long.evidence == "40 words in the claim"
    assert length_signal(1000).weight == length_signal(LENGTH_BOUNDS[1]).weight
    assert length_signal(1).weight == length_signal(LENGTH_BOUNDS[0]).weight


def test_a_claims_length_counts_its_own_words_not_its_sentences():
    """A short quote in a long sentence weighs as short: its attribution is not the claim."""
    text = (
        "“Exports to Germany rose 5 percent last year,” the minister told reporters at a "
        "long press conference in the capital on Monday evening."
    )
    (claim,) = proposed_claims(text)
    assert claim.quote == "Exports to Germany rose 5 percent last year"
    (length,) = [s for s in claim.signals if s.name == "length"]
    assert length == length_signal(8)
    assert length.evidence == "8 words in the claim"


def test_words_of_the_speaker_or_the_reader_are_the_personal_signal():
    """ "I", "we", "you", "our" ... as found, up to PERSONAL_CAP, one unit each; "US" is a
    country. Its weight is learned (negative: such sentences are rarely check-worthy)."""
    assert personal_words("We told you that our taxes in the US fell, and I agree.") == [
        "We", "you", "our",
    ]  # fmt: skip
    assert personal_words("Taxes in the US fell by 5 percent.") == []
    assert personal_words("I’m sure we can.") == ["I’m", "we"]
    text = "We told you that our taxes in the US fell by 5 percent, and I know you agree."
    (claim,) = proposed_claims(text)
    (personal,) = [s for s in claim.signals if s.name == "personal"]
    assert personal.evidence == "our, I, you"
    assert signal_units(personal) == PERSONAL_CAP == 3
    assert personal.weight == round(WEIGHTS["personal"] * 3, 3) < 0
    assert personal_signal("Taxes in the US fell by 5 percent.") is None


def test_a_claims_score_is_the_logistic_of_the_bias_and_every_signal_shown():
    """The length is a signal like the others: nothing in the score goes unexplained."""
    text = (
        "The ministry said on Monday that exports to Germany and France rose by 12 percent "
        "last year, the fastest growth the country has recorded in more than a decade."
    )
    (claim,) = proposed_claims(text)
    assert "length" in [s.name for s in claim.signals]
    assert claim.score == logistic(BIAS + sum(s.weight for s in claim.signals))


# --- Learning ----------------------------------------------------------------------------


def example(**units):
    return ([units.get(name, 0.0) for name in FEATURES], units.get("label", 0))


def test_without_pairs_the_weights_stay_the_rules():
    """A document with only check-worthy sentences orders nothing: nothing is learned."""
    documents = [[example(quantity=1, label=1), example(label=1)]]
    assert fit_ranking(documents, l2=1.0) == list(PRIOR)


def test_a_feature_that_orders_the_articles_sentences_gains_weight():
    """In every document the longer sentence is the check-worthy one: length gains a
    positive weight, more as its own penalty (towards 0) weakens; quantity, on the wrong
    side, loses weight, more as the penalty pulling towards the rules weakens."""
    documents = [
        [example(length=1.0, label=1), example(length=-1.0, quantity=1, label=0)] for _ in range(3)
    ]
    length = FEATURES.index("length")
    quantity = FEATURES.index("quantity")
    loose = fit_ranking(documents, l2=10.0, l2_unruled=0.1)
    tight = fit_ranking(documents, l2=10.0, l2_unruled=10.0)
    assert loose[length] > tight[length] > 0
    loose = fit_ranking(documents, l2=0.1, l2_unruled=10.0)
    tight = fit_ranking(documents, l2=10.0, l2_unruled=10.0)
    assert loose[quantity] < tight[quantity] < PRIOR[quantity]


def test_the_unruled_features_have_a_penalty_of_their_own():
    """Length and personal (no rule weight) are pulled towards 0 by l2_unruled alone: with
    the rules' weights held firm, length still grows as large as the pairs ask."""
    assert set(UNRULED) == {"length", "personal"}
    assert PRIOR[FEATURES.index("length")] == PRIOR[FEATURES.index("personal")] == 0.0
    documents = [[example(length=1.0, label=1), example(personal=1.0, label=0)]] * 3
    weights = fit_ranking(documents, l2=1000.0, l2_unruled=0.01)
    assert weights[FEATURES.index("length")] > 1.0
    assert weights[FEATURES.index("personal")] < -1.0
    ruled = [i for i, name in enumerate(FEATURES) if name not in UNRULED]
    assert [weights[i] for i in ruled] == pytest.approx([PRIOR[i] for i in ruled])


def test_cross_validation_ranks_a_sentence_without_a_claim_last():
    """As the evaluation scores it 0: below every claim, whatever the weights."""
    training = [[example(length=1.0, label=1), example(length=-1.0, label=0)]] * 2
    held_out = [(example(length=-2.0)[0], 1), (None, 0)]
    figures = cross_validated([*training, held_out], ["a", "a", "b"], 1.0, 1.0)
    assert figures["b"] == 1.0


def total(weights, features):
    return sum(w * x for w, x in zip(weights, features, strict=True))


def test_the_bias_accepts_as_many_sentences_as_the_rules_did():
    examples = [example(quantity=1), example(quantity=1, time=1), example(opinion=1)]
    threshold = math.log(ACCEPT_THRESHOLD / (1 - ACCEPT_THRESHOLD))
    by_rules = [RULE_BIAS + total(PRIOR, features) for features, _ in examples]
    accepted = sum(total >= threshold for total in by_rules)
    assert accepted == 2
    doubled = [2 * w for w in PRIOR]
    bias = calibrated_bias(doubled, examples)
    totals = [bias + total(doubled, features) for features, _ in examples]
    assert sum(total >= threshold for total in totals) == accepted


def test_each_labelled_sentence_is_one_example_labelled_as_the_file_says():
    """Every fixture sentence with a claim is an example, with its label."""
    for doc in load_documents(FIXTURE):
        examples = document_examples(doc)
        assert 0 < len(examples) <= len(doc.sentences)
        assert all(len(features) == len(FEATURES) for features, _ in examples)
        assert Counter(label for _, label in examples) <= Counter(doc.labels)


def test_the_fixture_has_no_development_documents_to_learn_from():
    with pytest.raises(ValueError, match="development documents"):
        learned_weights(FIXTURE)


def test_the_shipped_weights_are_what_the_script_learns_from_the_development_file():
    """Re-running the training script reproduces weights.json: nothing hand-edited."""
    if not DEV.exists():
        pytest.skip("the labelled dev file is not available (set CHECKWORTHY_DEV)")
    shipped = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert (shipped["l2"], shipped["l2_unruled"]) == (DEFAULT_L2, DEFAULT_L2_UNRULED)
    assert learned_weights(DEV, shipped["l2"], shipped["l2_unruled"]) == shipped
