"""Dead ends a desk hit in a day's work, through the views: a verdict sent back, sources
whose kind and title a reviewer sets, citing from the library, reusing the evidence of a
claim checked before."""

import pytest
from django.urls import reverse

from claims import editing, workflow
from claims.evidence import evidence_checklist
from claims.models import Citation, ClaimStatus, SourceKind, Verdict, VerdictState
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def url(name, claim, *extra):
    if name.startswith("do:"):
        return reverse("claims:claim_transition", args=[claim.article_id, claim.pk, name[3:]])
    return reverse(f"claims:{name}", args=[claim.article_id, claim.pk, *extra])


@pytest.fixture
def returned(reviewer, editor):
    """A claim whose submitted verdict the editor sent back to its reviewer."""
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED)
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("false"), reasoning="No record.", version=None
    )
    workflow.submit_for_review(claim, by=reviewer)
    workflow.send_back(claim, by=editor, note="Cite the ministry.")
    claim.refresh_from_db()
    return claim


# A verdict sent back ------------------------------------------------------------------


def test_a_returned_verdict_names_who_returned_it(client, reviewer, editor, returned):
    """After a send-back the verdict reads as returned by the editor, not by its author."""
    client.force_login(reviewer)
    html = client.get(url("claim_section", returned, "verdict"), **HX).content.decode()
    assert "Returned by rita" not in html
    assert "By rita, returned by edna" in html
    assert "Sent back by edna:" in html
    assert Verdict.objects.get().returned_by == editor


def test_a_returned_verdict_can_be_submitted_again_as_it_is(client, reviewer, returned):
    """The Submit button is there without saving the draft again; submitting sends the
    same rating and reasoning as a new submission, the returned one kept."""
    client.force_login(reviewer)
    html = client.get(url("claim_section", returned, "verdict"), **HX).content.decode()
    assert "Submit verdict for review" in html
    response = client.post(url("do:submit", returned), **HX)
    assert response.status_code == 200
    returned.refresh_from_db()
    assert returned.status == ClaimStatus.IN_REVIEW
    states = list(returned.verdicts.order_by("pk").values_list("state", "reasoning"))
    assert states == [(VerdictState.RETURNED, "No record."), (VerdictState.SUBMITTED, "No record.")]


def test_a_verdict_returned_by_a_differing_cross_check_can_be_submitted_again(
    reviewer, other_reviewer, returned
):
    """The cross-checker who returned it is named, and the author may resubmit."""
    from claims.models import Desk

    Desk.objects.update(cross_checking=True)
    workflow.submit_for_review(returned, by=reviewer)
    verdict = workflow.cross_check(returned, by=other_reviewer, rating=default_rating("true"))
    assert verdict.state == VerdictState.RETURNED
    assert verdict.returned_by == other_reviewer
    assert workflow.submit_for_review(returned, by=reviewer).state == VerdictState.SUBMITTED


def test_only_the_assignee_resubmits_a_returned_verdict(client, other_reviewer, returned):
    """Someone else is refused, and nothing changes."""
    client.force_login(other_reviewer)
    response = client.post(url("do:submit", returned), **HX)
    assert response.status_code == 403
    returned.refresh_from_db()
    assert returned.status == ClaimStatus.RESEARCHING


# A cited source's kind and title ------------------------------------------------------


@pytest.fixture
def researching(reviewer):
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED)
    workflow.take(claim, by=reviewer)
    return claim


def test_a_reviewer_sets_a_cited_sources_kind_and_title(client, reviewer, researching):
    """The kind and title are saved with history naming the reviewer, and a primary kind
    meets the "at least one primary source" check."""
    source = SourceFactory(title="", url="https://undocs.example/S/RES/2397")
    CitationFactory(claim=researching, source=source)
    client.force_login(reviewer)
    citations = researching.citations.select_related("source__publisher")
    assert not evidence_checklist(citations, "")[1].met
    response = client.post(
        url("source_describe", researching, source.pk),
        {"title": "Resolution 2397 (2017)", "kind": SourceKind.PRIMARY},
        **HX,
    )
    assert response.status_code == 200
    assert "Source described: Resolution 2397 (2017)." in response.content.decode()
    source.refresh_from_db()
    assert (source.title, source.kind) == ("Resolution 2397 (2017)", SourceKind.PRIMARY)
    assert source.history.first().history_user == reviewer
    citations = researching.citations.select_related("source__publisher")
    assert evidence_checklist(citations, "")[1].met


def test_a_new_source_cited_by_url_takes_the_kind_given(client, reviewer, researching):
    """The cite form's kind applies to a source it creates."""
    client.force_login(reviewer)
    client.post(
        url("citation_create", researching),
        {"url": "https://gov.example/transcript", "stance": "context", "kind": "official"},
    )
    assert Citation.objects.get().source.kind == SourceKind.OFFICIAL


def test_describing_a_source_needs_the_right_to_edit_the_claim(client, other_reviewer, researching):
    """A reviewer who may not change the claim may not change its sources: 403, unchanged."""
    source = SourceFactory(title="Kept")
    CitationFactory(claim=researching, source=source)
    client.force_login(other_reviewer)
    response = client.post(
        url("source_describe", researching, source.pk), {"title": "Mine", "kind": "primary"}
    )
    assert response.status_code == 403
    source.refresh_from_db()
    assert source.title == "Kept"


def test_only_a_cited_source_is_described_and_with_a_known_kind(client, reviewer, researching):
    """A source the claim does not cite is a 404; an unknown kind changes nothing."""
    cited = SourceFactory(title="Kept")
    CitationFactory(claim=researching, source=cited)
    client.force_login(reviewer)
    other = SourceFactory()
    describe = url("source_describe", researching, other.pk)
    assert client.post(describe, {"title": "X", "kind": "primary"}).status_code == 404
    response = client.post(
        url("source_describe", researching, cited.pk), {"title": "X", "kind": "gossip"}, **HX
    )
    assert response.status_code == 422
    cited.refresh_from_db()
    assert cited.title == "Kept"


def test_an_untitled_source_is_not_shown_as_its_url(client, reviewer, researching):
    """A page not yet described reads as an untitled page on its host."""
    source = SourceFactory(title="", url="https://www.un.org/press/en/2023/sc15000.doc.htm")
    CitationFactory(claim=researching, source=source)
    client.force_login(reviewer)
    html = client.get(url("claim_section", researching, "citations"), **HX).content.decode()
    assert ">Untitled page on un.org</a>" in html


# Citing from the library --------------------------------------------------------------


def test_picking_a_library_source_does_not_cite_it(client, reviewer, researching):
    """A search result is a choice, not a submit button; no stance is chosen in advance;
    citing without a stance keeps the pick and asks for the stance."""
    source = SourceFactory(title="NIS briefing to lawmakers")
    client.force_login(reviewer)
    results = client.get(url("source_search", researching), {"source_q": "NIS"}, **HX)
    html = results.content.decode()
    assert f'<input type="radio" name="source" value="{source.pk}">' in html
    assert 'type="submit"' not in html
    panel = client.get(url("claim_section", researching, "citations"), **HX).content.decode()
    assert "checked" not in panel.split('name="stance"', 1)[1].split("</fieldset>", 1)[0]
    response = client.post(url("citation_create", researching), {"source": source.pk}, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose whether the source supports, refutes or adds context." in html
    assert f'value="{source.pk}" checked' in html
    assert not Citation.objects.exists()
    client.post(
        url("citation_create", researching),
        {"source": source.pk, "stance": "refutes", "excerpt": "about 500,000 shells"},
    )
    citation = Citation.objects.get()
    assert (citation.stance, citation.excerpt) == ("refutes", "about 500,000 shells")


def test_the_checklist_flags_a_supporting_citation_without_an_excerpt(researching):
    """A supporting (or refuting) citation without an excerpt fails the excerpts check;
    context needs none."""
    bare = CitationFactory(claim=researching, excerpt="", source=SourceFactory(title="Bare"))
    CitationFactory(claim=researching, excerpt="", stance="context")
    check = evidence_checklist(researching.citations.select_related("source__publisher"), "")[-1]
    assert check.name == "excerpts"
    assert not check.met
    assert check.detail == "1 supporting or refuting citation(s) without an excerpt: Bare."
    bare.excerpt = "the words"
    bare.save()
    check = evidence_checklist(researching.citations.select_related("source__publisher"), "")[-1]
    assert check.met


def test_the_review_page_shows_the_excerpt_check(client, reviewer, editor, researching):
    """The editor's checklist says which supporting citation has no excerpt."""
    CitationFactory(claim=researching, excerpt="", source=SourceFactory(title="Bare report"))
    editing.save_verdict_draft(
        researching, by=reviewer, rating=default_rating(), reasoning="R", version=None
    )
    workflow.submit_for_review(researching, by=reviewer)
    client.force_login(editor)
    html = client.get(url("claim_review", researching)).content.decode()
    assert "without an excerpt: Bare report." in html


# Reusing what was checked before ------------------------------------------------------


@pytest.fixture
def checked_before(reviewer, editor):
    """A published claim of another article saying the same, with two citations."""
    earlier = ClaimFactory(
        article=ArticleFactory(),
        statement="Pyongyang sent one million artillery rounds to Moscow",
        status=ClaimStatus.PUBLISHED,
    )
    CitationFactory(claim=earlier, stance="supports", excerpt="a million rounds", note="NIS")
    CitationFactory(claim=earlier, stance="refutes", excerpt="far fewer")
    Verdict.objects.create(
        claim=earlier,
        rating=default_rating("mostly-true"),
        author=reviewer,
        reasoning="R",
        state=VerdictState.APPROVED,
        approved_by=editor,
        approved_at=earlier.created_at,
        published_at=earlier.created_at,
    )
    return earlier


def test_checked_before_offers_to_reuse_the_evidence(client, reviewer, researching, checked_before):
    """The earlier claim comes with a link to its published fact-check and one action
    that copies its citations."""
    researching.statement = "Pyongyang has sent about one million artillery rounds to Moscow"
    researching.save()
    client.force_login(reviewer)
    html = client.get(url("claim_section", researching, "checked-before"), **HX).content.decode()
    assert reverse("public:fact_check", args=[checked_before.pk]) in html
    assert url("citations_copy", researching, checked_before.pk) in html
    assert "Reuse its 2 citations" in html


def test_reusing_copies_the_citations_marked_as_copied(
    client, reviewer, researching, checked_before
):
    """Each citation is copied with its stance, excerpt and note, marked as copied from
    the earlier claim; a source cited already is not copied twice."""
    already = checked_before.citations.order_by("pk").last().source
    CitationFactory(claim=researching, source=already, stance="context", excerpt="mine")
    client.force_login(reviewer)
    response = client.post(url("citations_copy", researching, checked_before.pk), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 citation(s) copied from the earlier check: review each one." in html
    assert f'href="{checked_before.get_absolute_url()}">an earlier check</a>' in html
    copy = researching.citations.exclude(source=already).get()
    assert (copy.stance, copy.excerpt, copy.note) == ("supports", "a million rounds", "NIS")
    assert copy.copied_from == checked_before
    assert copy.added_by == reviewer
    assert researching.citations.get(source=already).excerpt == "mine"
    assert copy.history.first().history_user == reviewer


def test_reusing_needs_the_right_to_edit_the_claim(
    client, other_reviewer, researching, checked_before
):
    """A reviewer who may not change this claim copies nothing."""
    client.force_login(other_reviewer)
    response = client.post(url("citations_copy", researching, checked_before.pk), **HX)
    assert response.status_code == 403
    assert not researching.citations.exists()
