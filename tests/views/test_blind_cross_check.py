"""The blind cross-check everywhere a desk member can read verdicts: a reviewer who is to
cross-check a submitted verdict finds its rating and reasoning neither through the
workspace's verdict filter, nor the CSV or JSON export, nor /api/verdicts; once they have
rated (or for anyone else) the verdict is there as before."""

import csv
import io

import pytest
from django.urls import reverse

from claims import editing, workflow
from claims.models import Desk
from claims.publishing.api import issue_token
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, default_rating, listed_claims

pytestmark = pytest.mark.django_db

REASONING = "The NIS figure is a tenth of that: BLIND-REASONING."


@pytest.fixture
def submitted(reviewer):
    """With cross-checking on: a claim whose verdict ("False") the reviewer submitted."""
    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": True})
    claim = ClaimFactory(article=ArticleFactory(), statement="One million rounds were sent.")
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("false"), reasoning=REASONING, version=None
    )
    verdict = workflow.submit_for_review(claim, by=reviewer)
    return verdict


def filtered(client, claim, verdict: str) -> list[int]:
    response = client.get(claim.article.get_absolute_url(), {"verdict": verdict})
    assert response.status_code == 200
    return listed_claims(response)


def csv_rows(client, claim) -> list[dict]:
    response = client.get(reverse("public:export_csv", args=[claim.article_id]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def api_verdicts(client, user) -> list[dict]:
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    response = client.get("/api/verdicts", headers=headers)
    assert response.status_code == 200
    return response.json()["items"]


def test_the_workspace_filter_does_not_find_the_claim_by_its_blind_rating(
    client, submitted, other_reviewer
):
    """Filtering by "False" would tell the cross-checker the first rating: the claim counts
    as having no verdict yet for them."""
    claim = submitted.claim
    client.force_login(other_reviewer)
    assert filtered(client, claim, "false") == []
    assert filtered(client, claim, "none") == [claim.pk]


def test_the_csv_export_has_no_blind_rating(client, submitted, other_reviewer):
    client.force_login(other_reviewer)
    [row] = csv_rows(client, submitted.claim)
    assert row["verdict_rating"] == ""
    assert row["verdict_reasoning"] == ""
    assert row["verdict_count"] == "0"
    assert REASONING not in "".join(row.values())


def test_the_json_export_has_no_blind_verdict(client, submitted, other_reviewer):
    client.force_login(other_reviewer)
    response = client.get(reverse("public:export_json", args=[submitted.claim.article_id]))
    assert response.status_code == 200
    [claim] = response.json()["claims"]
    assert claim["verdicts"] == []
    assert REASONING not in response.content.decode()


def test_the_api_lists_no_blind_verdict(client, submitted, other_reviewer):
    assert all(v["id"] != submitted.pk for v in api_verdicts(client, other_reviewer))
    headers = {"Authorization": f"Bearer {issue_token(other_reviewer)}"}
    assert client.get(f"/api/verdicts/{submitted.pk}", headers=headers).status_code == 404


def test_others_still_read_the_submitted_verdict(client, submitted, reviewer):
    """The author, and an editor once cross-checking is off, see it everywhere."""
    claim = submitted.claim
    client.force_login(reviewer)
    assert filtered(client, claim, "false") == [claim.pk]
    assert csv_rows(client, claim)[0]["verdict_reasoning"] == REASONING
    assert [v["id"] for v in api_verdicts(client, reviewer)] == [submitted.pk]
    Desk.objects.update(cross_checking=False)
    editor = UserFactory(roles=["Editor"])
    client.force_login(editor)
    assert filtered(client, claim, "false") == [claim.pk]
    assert [v["id"] for v in api_verdicts(client, editor)] == [submitted.pk]


def test_after_rating_the_cross_checker_sees_the_verdict(client, submitted, other_reviewer):
    """A matching blind rating ends the blindness: the verdict shows again."""
    workflow.cross_check(submitted.claim, by=other_reviewer, rating=default_rating("false"))
    client.force_login(other_reviewer)
    assert filtered(client, submitted.claim, "false") == [submitted.claim_id]
    assert csv_rows(client, submitted.claim)[0]["verdict_rating"] == "False"
    assert [v["id"] for v in api_verdicts(client, other_reviewer)] == [submitted.pk]


def test_a_correction_to_cross_check_hides_the_claims_verdicts_as_the_panel_does(
    client, other_reviewer
):
    """A correction waiting for its cross-check: the cross-checker sees none of the claim's
    verdicts through the desk's views (the public pages still show the published one)."""
    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": True})
    author, editor = UserFactory(roles=["Reviewer"]), UserFactory(roles=["Editor"])
    claim = ClaimFactory(article=ArticleFactory())
    workflow.take(claim, by=author)
    editing.save_verdict_draft(
        claim, by=author, rating=default_rating("false"), reasoning="Low.", version=None
    )
    workflow.submit_for_review(claim, by=author)
    workflow.cross_check(claim, by=other_reviewer, rating=default_rating("false"))
    workflow.approve(claim, by=editor, override_reason="Test desk.")
    correction = workflow.correct(
        claim, by=author, rating=default_rating("true"), reasoning=REASONING, note="New data."
    )
    third = UserFactory(roles=["Reviewer"])
    client.force_login(third)
    assert filtered(client, claim, "true") == []
    assert csv_rows(client, claim)[0]["verdict_count"] == "0"
    assert correction.pk not in [v["id"] for v in api_verdicts(client, third)]
    assert client.get(reverse("public:fact_check", args=[claim.pk])).status_code == 200
