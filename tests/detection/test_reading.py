"""Reading a text in parts, each read apart (on worker processes, for a long article):
always exactly the claims of one reading of the whole text; and claimants named in full
as the article named them before."""

import pytest

from claims.detection.claims import ProposedClaim
from claims.detection.pool import PARALLEL_MIN_CHARS
from claims.detection.reading import PartJoiner, detect_part, part_cuts, proposed_claims
from claims.management.commands.benchmark_detection import benchmark_text
from tests.detection.test_claims import claim_quoting


def read_in_parts(text: str, cuts: list[int]) -> list[ProposedClaim]:
    bounds = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    joiner = PartJoiner()
    claims = []
    for index, (start, end) in enumerate(bounds):
        claims.extend(joiner.add(detect_part(text[start:end], start, first=index == 0)))
    return claims


def test_every_cut_gives_the_claims_of_one_reading():
    text = benchmark_text(30_000, seed=3)
    whole = proposed_claims(text)
    cuts = part_cuts(text, 60)
    assert len(cuts) > 40
    for cut in cuts:
        assert read_in_parts(text, [cut]) == whole, text[cut - 80 : cut + 80]
    assert read_in_parts(text, cuts) == whole


def test_a_pronoun_opening_a_part_refers_to_the_person_named_before_it():
    """“He” at the start of a part is the last person named in an earlier part, and the
    signals and score of its claim are those of one reading."""
    text = (
        "Secretary of State Antony Blinken said that North Korea sent one million "
        "artillery shells to Russia in 2023.\n\n"
        "Officials in Seoul said that 300 containers were recorded in September.\n\n"
        "He said that the shipments began after a summit in Vladivostok."
    )
    cuts = part_cuts(text, 3)
    assert len(cuts) == 2
    claims = read_in_parts(text, cuts)
    assert claims == proposed_claims(text)
    assert claims[-1].claimant == "Antony Blinken"
    # Nobody named before: "he" stays unknown, as in one reading.
    alone = "Officials said 300 containers left.\n\nHe said that the shipments began in May."
    assert read_in_parts(alone, part_cuts(alone, 2)) == proposed_claims(alone)


def test_parts_are_cut_only_at_a_paragraph_break_after_a_sentence():
    text = (
        "A first paragraph that ends with a sentence.\n\n"
        "A heading without a full stop\n\n"
        "“A quoted paragraph ends here.”\n\n"
        "The last paragraph."
    )
    cuts = part_cuts(text, 4)
    assert [text[:cut][-6:] for cut in cuts] == ["nce.\n\n", "re.”\n\n"]
    assert part_cuts("One paragraph. Two sentences.", 2) == []


@pytest.mark.parametrize("processes", [1, 3])
def test_cuts_follow_the_number_of_workers(processes):
    text = benchmark_text(PARALLEL_MIN_CHARS * 3 // 2, seed=7)
    cuts = part_cuts(text, processes + 1)
    assert len(cuts) == processes
    sizes = [end - start for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert max(sizes) - min(sizes) < len(text) // 10


def test_a_paragraph_break_ends_a_quote_whatever_follows():
    """“…” then a paragraph whose first words say who spoke: the quote still ends at the
    paragraph break, in one reading as in parts."""
    text = (
        "“We will not send any more shells to the front this year,” officials wrote. "
        "“The army has 500 tanks.” U.S.\n\nBlinken said that 40 people died."
    )
    claims = proposed_claims(text)
    assert read_in_parts(text, part_cuts(text, 2)) == claims
    assert all("\n" not in claim.quote for claim in claims)


def test_a_dotted_capital_i_neither_crashes_nor_changes_the_reading():
    """Lower-casing "İ" gives two characters; the scan reads it as "I" so that offsets
    hold, and odd letters that only match when case is ignored ("ſaid") are not words."""
    text = "Officials in İstanbul said that 5 people died.\n\nOfficials ſaid that 40 people died."
    claims = proposed_claims(text)
    assert read_in_parts(text, part_cuts(text, 2)) == claims
    assert [(claim.claimant, claim.statement) for claim in claims] == [
        ("Officials in İstanbul", "5 people died"),
        ("", "Officials ſaid that 40 people died"),
    ]
    figures = "Prices rose 40%2023 in İstanbul, officials said.\n\nPrices rose 40%2023, they said."
    assert read_in_parts(figures, part_cuts(figures, 2)) == proposed_claims(figures)


def test_a_claimant_is_named_in_full_as_the_article_named_them():
    """A one-word claimant takes the full name used earlier, never an institution's."""
    text = (
        "Foreign Minister Park Jin met reporters. Officials said 3 ships left. "
        "“We sent 5 ships,” said Park. "
        "The Washington Post reported 7 ships. Washington said that 9 ships left."
    )
    claims = proposed_claims(text)
    assert claim_quoting(claims, "We sent 5 ships").claimant == "Park Jin"
    assert claim_quoting(claims, "9 ships left").claimant == "Washington"
