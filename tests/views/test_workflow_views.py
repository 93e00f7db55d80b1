"""The workflow through the browser-facing views: buttons, review page, my work."""

import pytest
from django.urls import reverse

from claims.models import ClaimStatus, Desk, VerdictState
from tests.factories import ClaimFactory, default_rating
from tests.test_workflow import claim_in

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def act(claim, action):
    return reverse("claims:claim_transition", args=[claim.article_id, claim.pk, action])


def test_panel_shows_only_the_users_transitions(client, reviewer, editor):
    """The reviewer sees no approve button; the editor sees review and send back."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(reviewer)
    html = client.get(claim.get_absolute_url(), **HX).content.decode()
    assert "Review and approve" not in html
    assert "Send back" not in html
    client.force_login(editor)
    html = client.get(claim.get_absolute_url(), **HX).content.decode()
    assert "Review and approve" in html
    assert "Send back" in html


def test_take_and_submit_with_htmx(client, reviewer):
    """Taking a claim and submitting its verdict update the panel and the list row."""
    claim = claim_in(ClaimStatus.ACCEPTED)
    client.force_login(reviewer)
    response = client.post(act(claim, "assign_self"), **HX)
    assert 'class="claim-row row-researching"' in response.content.decode()
    client.post(
        reverse("claims:verdict_save", args=[claim.article_id, claim.pk]),
        {"rating": default_rating().pk, "reasoning": "Because."},
    )
    response = client.post(act(claim, "submit"), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verdict submitted" in html
    assert 'class="claim-row row-in_review"' in html


def test_refused_transition_explains_why(client, reviewer):
    """A transition that is not allowed now gets a clear message and changes nothing."""
    claim = claim_in(ClaimStatus.RESEARCHING, assignee=reviewer)
    client.force_login(reviewer)
    response = client.post(act(claim, "submit"), **HX)
    assert response.status_code == 403
    assert "Save a draft verdict" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESEARCHING


def test_review_page_shows_verdict_citations_and_checklist(
    client, reviewer, editor, django_assert_max_num_queries
):
    """The editor's review page shows the verdict beside its evidence, in constant queries."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("claims:claim_review", args=[claim.article_id, claim.pk]))
    html = response.content.decode()
    assert "Approve and publish" in html
    assert "✓ Met" in html
    assert html.count('class="citation stance-') == 2


def test_approval_from_the_review_page(client, reviewer, editor):
    """Approving from the review page publishes the claim and returns to it."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(editor)
    response = client.post(act(claim, "approve"), {"from": "review", "override_reason": ""})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    verdict = claim.verdicts.get(state=VerdictState.APPROVED, approved_by=editor)
    assert verdict.approved_at is not None


def test_blocked_approval_stays_on_the_review_page(client, reviewer, editor):
    """Unmet checks keep the editor on the review page with the reason to record."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    claim.citations.all().delete()
    client.force_login(editor)
    response = client.post(act(claim, "approve"), {"from": "review", "override_reason": ""})
    assert response.status_code == 403
    assert "Evidence checks not met" in response.content.decode()
    assert "Approve despite unmet checks because" in response.content.decode()


def test_send_back_needs_a_note(client, reviewer, editor):
    """Sending back without a note is refused with a message by the field."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(editor)
    response = client.post(act(claim, "send_back"), {"note": ""}, **HX)
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_cross_checker_rates_blind(client, reviewer, other_reviewer):
    """With cross-checking on, the second reviewer sees no first rating before rating."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(other_reviewer)
    html = client.get(claim.get_absolute_url(), **HX).content.decode()
    assert "Record my rating" in html
    assert "verdict-record" not in html
    assert "History" not in html


def test_my_work_lists_assigned_waiting_and_returned(
    client, reviewer, editor, django_assert_max_num_queries
):
    """My work shows my claims by status, reviews waiting for me and what came back."""
    researching = claim_in(ClaimStatus.RESEARCHING, assignee=reviewer)
    waiting = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(editor)
    client.post(act(waiting, "send_back"), {"note": "Find the NIS source"})
    claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("claims:my_work")).content.decode()
    assert researching.statement in html
    assert "Find the NIS source" in html
    assert 'class="nav-badge"' in html
    client.force_login(editor)
    html = client.get(reverse("claims:my_work")).content.decode()
    assert 'Waiting for my review <span class="count">1</span>' in html


def test_bulk_triage(client, reviewer):
    """Ticked claims are accepted or dismissed together; dismissing needs a reason."""
    first = ClaimFactory(status=ClaimStatus.DETECTED)
    second = ClaimFactory(article=first.article, start=11, end=20, status=ClaimStatus.DETECTED)
    client.force_login(reviewer)
    url = reverse("claims:claim_bulk", args=[first.article_id])
    client.post(url, {"claims": [first.pk, second.pk], "action": "dismiss", "reason": ""})
    first.refresh_from_db()
    assert first.status == ClaimStatus.DETECTED
    client.post(url, {"claims": [first.pk, second.pk], "action": "dismiss", "reason": "Opinion"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ClaimStatus.DISMISSED, ClaimStatus.DISMISSED)
    client.post(url, {"claims": [first.pk], "action": "accept"})
    first.refresh_from_db()
    assert first.status == ClaimStatus.ACCEPTED


def test_reimported_claim_shows_its_earlier_verdict(client, reviewer, editor):
    """A claim checked in one article shows, in another article, as checked before."""
    from claims import workflow
    from claims.importing import import_article

    sentence = (
        "Washington and Seoul denounced that Pyongyang sent approximately one million "
        "artillery rounds and other military equipment to Moscow."
    )
    first = import_article(body=sentence, title="First report").article
    claim = first.claims.get(quote__contains="one million")
    workflow.take(claim, by=reviewer)
    from claims import editing

    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("mostly-true"), reasoning="NIS.", version=None
    )
    workflow.submit_for_review(claim, by=reviewer)
    workflow.approve(claim, by=editor, override_reason="Demo")
    second = import_article(body="Other intro. " + sentence, title="Second report").article
    again = second.claims.get(quote__contains="one million")
    client.force_login(reviewer)
    checked_before = [again.article_id, again.pk, "checked-before"]
    html = client.get(reverse("claims:claim_section", args=checked_before), **HX).content.decode()
    assert "Checked before" in html
    assert "Mostly true" in html
    assert "First report" in html


def test_send_back_without_a_note_stays_on_the_review_page(client, reviewer, editor):
    """From the review page, a send-back without a note re-renders it with the message."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(editor)
    response = client.post(act(claim, "send_back"), {"from": "review", "note": ""})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Approve and publish" in html
    assert "This field is required." in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def review(claim):
    return reverse("claims:claim_review", args=[claim.article_id, claim.pk])


WAITING = "Waiting for a second reviewer&#x27;s cross-check"


def propose_correction(client, claim, rating="mostly-true"):
    return client.post(
        act(claim, "correct"),
        {"rating": default_rating(rating).pk, "reasoning": "NIS update", "note": "New figure"},
        **HX,
    )


def test_correction_with_cross_checking_through_the_views(client, reviewer, other_reviewer, editor):
    """With cross-checking on, a correction is cross-checked blind, then approved; until
    then the editor sees a waiting state, not an approval that fails."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.PUBLISHED, assignee=reviewer, author=reviewer)
    client.force_login(reviewer)
    assert propose_correction(client, claim).status_code == 200
    client.force_login(editor)
    for page in (review(claim), claim.get_absolute_url()):
        html = client.get(page, **HX).content.decode()
        assert WAITING in html
        assert "Approve and publish" not in html
        assert "Review and approve" not in html
    response = client.post(act(claim, "approve"), {"from": "review", "override_reason": ""})
    assert response.status_code == 403
    client.force_login(other_reviewer)
    html = client.get(claim.get_absolute_url(), **HX).content.decode()
    assert "Record my rating" in html
    assert "verdict-record" not in html  # blind: no verdict shown before rating
    assert "NIS update" not in html
    response = client.post(
        act(claim, "cross_check"), {"rating": default_rating("mostly-true").pk}, **HX
    )
    assert response.status_code == 200
    client.force_login(editor)
    html = client.get(review(claim)).content.decode()
    assert "Approve and publish" in html
    assert WAITING not in html
    response = client.post(act(claim, "approve"), {"from": "review", "override_reason": ""})
    assert response.status_code == 302
    current = claim.verdicts.filter(state=VerdictState.APPROVED).order_by("-approved_at").first()
    assert (current.correction_note, current.cross_checked_by) == ("New figure", other_reviewer)


def test_correction_without_cross_checking_through_the_views(client, reviewer, editor):
    """With cross-checking off, the editor approves a proposed correction directly."""
    claim = claim_in(ClaimStatus.PUBLISHED, assignee=reviewer, author=reviewer)
    client.force_login(reviewer)
    assert propose_correction(client, claim).status_code == 200
    client.force_login(editor)
    html = client.get(claim.get_absolute_url(), **HX).content.decode()
    assert "Review and approve" in html
    assert WAITING not in html
    html = client.get(review(claim)).content.decode()
    assert "Proposed correction" in html
    assert "Approve and publish" in html
    response = client.post(act(claim, "approve"), {"from": "review", "override_reason": ""})
    assert response.status_code == 302
    assert claim.verdicts.filter(state=VerdictState.APPROVED, correction_note="New figure")


def test_differing_cross_check_on_a_correction_through_the_views(client, reviewer, other_reviewer):
    """A differing cross-check returns the correction to its author, who sees both
    ratings; the claim stays published."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.PUBLISHED, assignee=reviewer, author=reviewer)
    client.force_login(reviewer)
    propose_correction(client, claim)
    client.force_login(other_reviewer)
    response = client.post(act(claim, "cross_check"), {"rating": default_rating("false").pk}, **HX)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    client.force_login(reviewer)
    html = client.get(claim.get_absolute_url(), **HX).content.decode()
    assert "Cross-check differs" in html
    assert "Correct the published verdict" in html


def test_review_page_waits_for_a_pending_cross_check(client, reviewer, editor):
    """The review page offers no approval while a first verdict awaits its cross-check."""
    Desk.objects.update(cross_checking=True)
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=reviewer, author=reviewer)
    client.force_login(editor)
    html = client.get(review(claim)).content.decode()
    assert WAITING in html
    assert "Approve and publish" not in html
    assert "Send back to the reviewer" in html
