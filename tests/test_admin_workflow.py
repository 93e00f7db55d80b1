"""The admin is no side door to the workflow: workflow fields are read-only there, verdicts
are not written there, and its actions go through the workflow's own functions."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from claims import workflow
from claims.models import (
    Citation,
    Claim,
    ClaimStatus,
    SourceKind,
    Stance,
    Verdict,
    VerdictState,
)
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    UserFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db


# Claims and verdicts in every stage, carried there by the workflow itself ---------------


def well_sourced(claim):
    CitationFactory(claim=claim, source=SourceFactory(kind=SourceKind.PRIMARY))
    CitationFactory(claim=claim, source=SourceFactory())


def researching(reviewer, editor) -> Claim:
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED)
    workflow.assign(claim, by=editor, to=reviewer)
    claim.refresh_from_db()
    return claim


def in_review(reviewer, editor, *, reasoning="The NIS figure holds.") -> Claim:
    claim = researching(reviewer, editor)
    well_sourced(claim)
    Verdict.objects.create(
        claim=claim, rating=default_rating(), author=reviewer, reasoning=reasoning
    )
    workflow.submit_for_review(claim, by=reviewer)
    claim.refresh_from_db()
    return claim


def published(reviewer, editor) -> tuple[Claim, Verdict]:
    claim = in_review(reviewer, editor)
    verdict = workflow.approve(claim, by=editor)
    claim.refresh_from_db()
    return claim, verdict


def row(obj) -> dict:
    """Every column of the object's row as stored now."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def workflow_refusal(transition, claim, **arguments) -> str:
    """What the workflow itself says when it refuses this transition."""
    with pytest.raises(workflow.TransitionRefused) as refused:
        transition(claim, **arguments)
    return str(refused.value)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def change_url(obj) -> str:
    return reverse(f"admin:claims_{obj._meta.model_name}_change", args=[obj.pk])


NO_CITATIONS = {
    "citations-TOTAL_FORMS": "0",
    "citations-INITIAL_FORMS": "0",
    "citations-MIN_NUM_FORMS": "0",
    "citations-MAX_NUM_FORMS": "1000",
}


def claim_form(claim: Claim, **changes) -> dict:
    """The claim's change form as the admin would post it (every field the admin ever
    offered), with `changes`."""
    data = {
        "article": claim.article_id,
        "statement": claim.statement,
        "claimant": claim.claimant,
        "kind": claim.kind,
        "score": claim.score,
        "origin": claim.origin,
        "status": claim.status,
        "dismissal_reason": claim.dismissal_reason,
        "assignee": claim.assignee_id or "",
        "created_by": claim.created_by_id or "",
        "loaded_version": claim.version,
        **NO_CITATIONS,
    }
    data.update(changes)
    return data


def verdict_form(verdict_claim: Claim, author, approver, **changes) -> dict:
    """A verdict form as the admin's add or change page would post it."""
    now = timezone.localtime()
    moment = {"_0": now.strftime("%Y-%m-%d"), "_1": now.strftime("%H:%M:%S")}
    data = {
        "claim": verdict_claim.pk,
        "rating": default_rating("false").pk,
        "reasoning": "Rewritten in the admin.",
        "author": author.pk,
        "state": VerdictState.APPROVED,
        "approved_by": approver.pk,
        **{f"approved_at{part}": value for part, value in moment.items()},
        **{f"published_at{part}": value for part, value in moment.items()},
        **{f"submitted_at{part}": value for part, value in moment.items()},
        "correction_note": "",
        "review_note": "",
        "override_reason": "",
        "version": 7,
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# Workflow fields cannot be changed in the admin -----------------------------------------


def test_claim_workflow_fields_posted_to_the_change_form_are_ignored(
    admin_client, reviewer, editor
):
    """Status, assignee, dismissal reason, version, article and creator posted with an
    open claim's change form change nothing."""
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED)
    before, history = row(claim), claim.history.count()
    response = admin_client.post(
        change_url(claim),
        claim_form(
            claim,
            status=ClaimStatus.PUBLISHED,
            assignee=reviewer.pk,
            dismissal_reason="Set in the admin",
            article=ArticleFactory().pk,
            created_by=editor.pk,
            version=99,
        ),
    )
    assert response.status_code == 302
    assert row(claim) == before
    assert claim.history.count() == history


def test_an_open_claims_text_edited_in_the_admin_moves_its_version(admin_client, admin_user):
    """The admin may correct an open claim's statement: the version moves (so a reviewer's
    open form sees a conflict) and the history names the admin."""
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED, statement="Pyongyang sent shells")
    response = admin_client.post(
        change_url(claim), claim_form(claim, statement="Pyongyang sent a million shells")
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.statement == "Pyongyang sent a million shells"
    assert claim.version == 2
    assert claim.history.first().history_user == admin_user


def test_a_stale_admin_form_does_not_overwrite_a_reviewers_edit(admin_client, reviewer):
    """An admin form loaded before a reviewer saved the claim is refused with a conflict."""
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED, statement="Original")
    stale = claim_form(claim, statement="The admin's words")
    Claim.objects.filter(pk=claim.pk).update(statement="The reviewer's words", version=2)
    response = admin_client.post(change_url(claim), stale)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("The reviewer's words", 2)


@pytest.mark.parametrize("stage", ["in_review", "published"])
def test_a_locked_claim_is_read_only_in_the_admin(admin_client, reviewer, editor, stage):
    """A claim in review or published changes only through the workflow: its change form
    is read-only and a post to it is refused, its citations included."""
    if stage == "published":
        claim, _ = published(reviewer, editor)
    else:
        claim = in_review(reviewer, editor)
    citation = claim.citations.first()
    before, cited = row(claim), row(citation)
    page = admin_client.get(change_url(claim)).content.decode()
    assert 'name="statement"' not in page
    assert 'name="citations-0-excerpt"' not in page
    response = admin_client.post(
        change_url(claim),
        claim_form(claim, statement="Quietly reworded", status=ClaimStatus.RESEARCHING),
    )
    assert response.status_code == 403
    assert row(claim) == before
    edited = admin_client.post(
        change_url(citation),
        {"claim": claim.pk, "source": citation.source_id, "stance": Stance.REFUTES},
    )
    assert edited.status_code == 403
    assert row(citation) == cited


def test_no_citation_is_added_to_a_published_claim_in_the_admin(admin_client, reviewer, editor):
    """A new citation on a published claim would change its public page: refused."""
    claim, _ = published(reviewer, editor)
    count = claim.citations.count()
    response = admin_client.post(
        reverse("admin:claims_citation_add"),
        {"claim": claim.pk, "source": SourceFactory().pk, "stance": Stance.REFUTES},
    )
    assert response.status_code == 200
    assert "cannot change" in response.content.decode()
    assert claim.citations.count() == count


def test_claims_are_not_added_in_the_admin(admin_client, article):
    """Claims are added in the workspace, anchored to the article's words: not in the
    admin, where one could be created already published."""
    assert admin_client.get(reverse("admin:claims_claim_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:claims_claim_add"),
        {
            "article": article.pk,
            "statement": "Made up",
            "kind": "other",
            "score": 0.5,
            "origin": "manual",
            "status": ClaimStatus.PUBLISHED,
            **NO_CITATIONS,
        },
    )
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_a_published_verdict_cannot_be_rewritten_in_the_admin(
    admin_client, reviewer, editor, admin_user
):
    """Reasoning, rating, state, approver and dates of a published verdict posted to its
    change form are refused: a change after publication is a correction."""
    claim, verdict = published(reviewer, editor)
    before, history = row(verdict), verdict.history.count()
    page = admin_client.get(change_url(verdict)).content.decode()
    assert 'name="reasoning"' not in page
    assert claim.get_absolute_url() in page
    response = admin_client.post(
        change_url(verdict), verdict_form(claim, reviewer, admin_user, state=VerdictState.DRAFT)
    )
    assert response.status_code == 403
    assert row(verdict) == before
    assert verdict.history.count() == history


def test_a_submitted_verdict_cannot_be_approved_in_the_admin(
    admin_client, reviewer, editor, admin_user
):
    """Setting a submitted verdict's state and approver in the admin is refused: approval
    runs the evidence checks on the review page."""
    claim = in_review(reviewer, editor)
    verdict = claim.verdicts.get()
    before = row(verdict)
    response = admin_client.post(change_url(verdict), verdict_form(claim, reviewer, admin_user))
    assert response.status_code == 403
    assert row(verdict) == before
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


def test_an_approved_verdict_cannot_be_created_in_the_admin(admin_client, reviewer, admin_user):
    """The add form refuses a verdict, approved or not: verdicts are drafted by their author
    in the claim panel and approved on the review page."""
    claim = researching(reviewer, UserFactory(username="eve", roles=["Editor"]))
    assert admin_client.get(reverse("admin:claims_verdict_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:claims_verdict_add"), verdict_form(claim, reviewer, admin_user)
    )
    assert response.status_code == 403
    assert not Verdict.objects.exists()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.RESEARCHING


@pytest.mark.parametrize("model", ["claim", "verdict", "citation"])
def test_history_cannot_be_reverted_in_the_admin(admin_client, reviewer, editor, model):
    """Reverting to a past record would bring back an old status, verdict or citation
    without the workflow: the history is for reading."""
    claim, verdict = published(reviewer, editor)
    obj = {"claim": claim, "verdict": verdict, "citation": claim.citations.first()}[model]
    if model == "citation":
        Citation.objects.filter(pk=obj.pk).update(excerpt="Now")
    oldest = obj.history.last()
    url = reverse(f"admin:claims_{model}_simple_history", args=[obj.pk, oldest.history_id])
    assert admin_client.get(url).status_code == 200
    before = row(obj)
    data = (
        claim_form(claim, status=oldest.status)
        if model == "claim"
        else verdict_form(claim, reviewer, editor, state=VerdictState.DRAFT)
        if model == "verdict"
        else {"claim": claim.pk, "source": obj.source_id, "stance": Stance.REFUTES}
    )
    response = admin_client.post(url, data)
    assert response.status_code == 403
    assert row(obj) == before


def test_published_work_cannot_be_deleted_in_the_admin(admin_client, reviewer, editor):
    """Deleting a published claim, its verdict or its article would take a fact-check off
    the public pages without a word: refused."""
    claim, verdict = published(reviewer, editor)
    for obj in (claim, verdict, claim.article):
        url = reverse(f"admin:claims_{obj._meta.model_name}_delete", args=[obj.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()
    response = admin_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_draft_verdict_may_be_deleted_in_the_admin(admin_client, reviewer, editor):
    """A draft is nobody's published or pending work: the admin may remove it."""
    claim = researching(reviewer, editor)
    draft = Verdict.objects.create(claim=claim, rating=default_rating(), author=reviewer)
    url = reverse("admin:claims_verdict_delete", args=[draft.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Verdict.objects.filter(pk=draft.pk).exists()


# Admin actions go through the workflow ----------------------------------------------------


def run_action(client, action: str, claims, **form) -> object:
    data = {"action": action, "_selected_action": [claim.pk for claim in claims], **form}
    return client.post(reverse("admin:claims_claim_changelist"), data)


def test_dismiss_asks_for_a_reason_then_goes_through_the_workflow(
    admin_client, admin_user, reviewer, editor
):
    """Dismissing asks for the reason on a page of its own; the claims it may dismiss are
    dismissed with it (version moved, history naming the admin); every other claim is
    named in an error message and left as it was."""
    detected = ClaimFactory(status=ClaimStatus.DETECTED, statement="A greeting to Seoul")
    accepted = ClaimFactory(status=ClaimStatus.ACCEPTED)
    claim, _ = published(reviewer, editor)
    before = row(claim)
    selected = [detected, accepted, claim]

    page = run_action(admin_client, "dismiss_claims", selected)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert Claim.objects.filter(status=ClaimStatus.DISMISSED).count() == 0

    response = run_action(
        admin_client, "dismiss_claims", selected, apply="1", reason="Not checkable"
    )
    assert response.status_code == 302
    for dismissed in (detected, accepted):
        after = Claim.objects.get(pk=dismissed.pk)
        assert (after.status, after.dismissal_reason) == (ClaimStatus.DISMISSED, "Not checkable")
        assert after.version == dismissed.version + 1
        assert after.history.first().history_user == admin_user
    assert row(claim) == before
    messages = messages_of(response)
    assert ("success", "Dismissed 2 claim(s).") in messages
    refusal = workflow_refusal(workflow.dismiss, claim, by=admin_user, reason="Not checkable")
    assert [text for level, text in messages if level == "error"] == [
        f"“{claim.statement}”: {refusal}"
    ]


def test_dismiss_without_a_reason_changes_nothing(admin_client):
    """An empty reason shows the form again with an error."""
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED)
    before = row(claim)
    response = run_action(admin_client, "dismiss_claims", [claim], apply="1", reason="  ")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert row(claim) == before


def test_release_goes_through_the_workflow(admin_client, admin_user, reviewer, editor):
    """Releasing gives researching claims back to the pool through workflow.release; a
    claim that is not being researched is named in an error and unchanged."""
    taken = researching(reviewer, editor)
    open_claim = ClaimFactory(status=ClaimStatus.ACCEPTED, statement="Nobody has this one")
    before = row(open_claim)
    response = run_action(admin_client, "release_claims", [taken, open_claim])
    assert response.status_code == 302
    after = Claim.objects.get(pk=taken.pk)
    assert (after.status, after.assignee) == (ClaimStatus.ACCEPTED, None)
    assert after.version == taken.version + 1
    assert after.history.first().history_user == admin_user
    assert row(open_claim) == before
    refusal = workflow_refusal(workflow.release, open_claim, by=admin_user)
    assert messages_of(response) == [
        ("error", f"“Nobody has this one”: {refusal}"),
        ("success", "Released 1 claim(s)."),
    ]


def test_assign_asks_for_a_reviewer_then_goes_through_the_workflow(
    admin_client, admin_user, reviewer, other_reviewer, editor
):
    """Assigning (or reassigning, when a reviewer leaves) asks whom to, then assigns through
    workflow.assign; a published claim is refused."""
    taken = researching(reviewer, editor)
    fresh = ClaimFactory(status=ClaimStatus.ACCEPTED)
    claim, _ = published(reviewer, editor)
    before = row(claim)
    page = run_action(admin_client, "assign_claims", [taken, fresh, claim])
    assert page.status_code == 200
    assert f'value="{other_reviewer.pk}"' in page.content.decode()
    response = run_action(
        admin_client, "assign_claims", [taken, fresh, claim], apply="1", to=other_reviewer.pk
    )
    assert response.status_code == 302
    for assigned in (taken, fresh):
        after = Claim.objects.get(pk=assigned.pk)
        assert (after.status, after.assignee) == (ClaimStatus.RESEARCHING, other_reviewer)
        assert after.version == assigned.version + 1
        assert after.history.first().history_user == admin_user
    assert row(claim) == before
    assert [level for level, _ in messages_of(response)].count("error") == 1


def test_an_action_on_the_claims_page_goes_through_the_workflow(
    admin_client, admin_user, reviewer, editor
):
    """The claim's own page offers the workflow actions; releasing there is the workflow's
    release, and the page comes back with the message."""
    claim = researching(reviewer, editor)
    page = admin_client.get(change_url(claim)).content.decode()
    assert 'value="release_claims"' in page
    response = admin_client.post(
        change_url(claim), {"CHANGE_FORM-action": "release_claims", "_selected_action": claim.pk}
    )
    assert response.status_code == 302
    assert response.url == change_url(claim)
    after = Claim.objects.get(pk=claim.pk)
    assert (after.status, after.assignee, after.version) == (
        ClaimStatus.ACCEPTED,
        None,
        claim.version + 1,
    )
    assert after.history.first().history_user == admin_user


def test_accept_takes_back_a_dismissal_through_the_workflow(
    admin_client, admin_user, reviewer, editor
):
    """Accepting a dismissed claim clears its reason; a researching claim is refused."""
    dismissed = ClaimFactory(status=ClaimStatus.DISMISSED, dismissal_reason="Opinion")
    taken = researching(reviewer, editor)
    before = row(taken)
    response = run_action(admin_client, "accept_claims", [dismissed, taken])
    assert response.status_code == 302
    after = Claim.objects.get(pk=dismissed.pk)
    assert (after.status, after.dismissal_reason) == (ClaimStatus.ACCEPTED, "")
    assert after.version == dismissed.version + 1
    assert after.history.first().history_user == admin_user
    assert row(taken) == before
    refusal = workflow_refusal(workflow.accept, taken, by=admin_user)
    assert messages_of(response) == [
        ("error", f"“{taken.statement}”: {refusal}"),
        ("success", "Accepted 1 claim(s)."),
    ]


def test_workflow_actions_need_the_permission_to_change_claims(client):
    """Staff who may only look at claims are offered no workflow action and change
    nothing by posting one."""
    viewer = UserFactory(username="vic", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client.force_login(viewer)
    claim = ClaimFactory(status=ClaimStatus.ACCEPTED)
    before = row(claim)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "dismiss_claims" not in page
    run_action(client, "dismiss_claims", [claim], apply="1", reason="Not checkable")
    assert row(claim) == before


# Changelists answer in a fixed number of queries ------------------------------------------


def test_claim_changelist_queries_do_not_grow_with_claims(
    admin_client, reviewer, editor, django_assert_max_num_queries
):
    """The claim list runs the same queries for 15 claims across articles and assignees."""
    for _ in range(5):
        researching(reviewer, editor)
        researching(editor, editor)
        ClaimFactory()
    with django_assert_max_num_queries(5):
        response = admin_client.get(reverse("admin:claims_claim_changelist"))
    assert response.content.decode().count('name="_selected_action"') == 15


def test_verdict_changelist_queries_do_not_grow_with_verdicts(
    admin_client, reviewer, editor, django_assert_max_num_queries
):
    """The verdict list runs the same queries for 12 verdicts, published or not."""
    for _ in range(4):
        published(reviewer, editor)
        in_review(reviewer, editor)
        claim = researching(reviewer, editor)
        Verdict.objects.create(claim=claim, rating=default_rating(), author=reviewer)
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("admin:claims_verdict_changelist"))
    assert response.content.decode().count('name="_selected_action"') == 12


def test_a_published_claims_page_queries_do_not_grow_with_citations(
    admin_client, reviewer, editor, django_assert_max_num_queries
):
    """A published claim's read-only page shows its citations in a fixed number of queries;
    its verdict's page too."""
    claim, verdict = published(reviewer, editor)
    for _ in range(8):
        CitationFactory(claim=claim)
    with django_assert_max_num_queries(6):
        page = admin_client.get(change_url(claim))
    assert page.content.decode().count("Report ") >= 10
    with django_assert_max_num_queries(8):
        assert admin_client.get(change_url(verdict)).status_code == 200
