"""The claim panel in sections: each section renders alone, a change re-renders only the
section it touched (with its confirmation where screen readers announce it), history and
"checked before" load when opened, and everything works without htmx."""

import re

import pytest
from django.urls import reverse

from claims.forms import AssignForm
from claims.models import Claim, ClaimStatus, Comment, Desk, Verdict, VerdictState
from claims.permissions import reviewers
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    UserFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
BODY = "Seoul said Pyongyang sent one million artillery rounds to Moscow this year."
STATEMENT = "Pyongyang sent one million artillery rounds to Moscow"
SHOWN = ["facts", "citations", "verdict", "discussion"]

# Queries per request, session and user included, measured and pinned. Before the panel
# was in sections every one of these rebuilt the whole panel: 16 queries to show it (18
# for the whole page), 16 to 17 to refuse a form, 20 to 29 after a change.
PANEL_QUERIES = 7  # session; the user (with their permissions); claim (with the desk's
# setting); verdicts; ratings; citations; comments.
PAGE_QUERIES = 10  # the panel, and the workspace: its totals, a window of text and of the list
SECTION_QUERIES = {
    "facts": 4,  # claim; verdicts for the workflow steps
    "citations": 4,  # claim; citations
    "verdict": 5,  # claim; verdicts; ratings
    "discussion": 4,  # claim; comments
    "history": 9,  # claim; verdicts; history of 3 models; names (2)
    "checked-before": 5,  # claim; verdicts; similar claims
}


@pytest.fixture
def claim(reviewer):
    """A claim the reviewer researches: a citation, their draft verdict, a comment."""
    article = ArticleFactory(body=BODY)
    claim = ClaimFactory(article=article, start=11, end=len(BODY) - 1, statement=STATEMENT)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.RESEARCHING, assignee=reviewer)
    claim.refresh_from_db()
    CitationFactory(claim=claim)
    Verdict.objects.create(claim=claim, rating=default_rating(), author=reviewer, reasoning="R")
    Comment.objects.create(claim=claim, author=reviewer, body="First thoughts")
    return claim


@pytest.fixture
def match():
    """A claim of another article saying the same words."""
    other = ArticleFactory(title="An earlier report", body=f"Earlier: {BODY}")
    return ClaimFactory(article=other, start=20, end=len(BODY) + 8, statement=STATEMENT)


def section_url(claim, name):
    return reverse("claims:claim_section", args=[claim.article_id, claim.pk, name])


def action_url(claim, name, *extra):
    if name.startswith("do:"):
        return reverse("claims:claim_transition", args=[claim.article_id, claim.pk, name[3:]])
    return reverse(f"claims:{name}", args=[claim.article_id, claim.pk, *extra])


def sections_in(html: str) -> list[str]:
    """The names of the panel sections in the HTML, in order."""
    return re.findall(r'class="section-body[^"]*" id="claim-([a-z-]+?)(?:-body)?"', html)


def out_of_band(html: str) -> list[str]:
    return re.findall(r'id="claim-([a-z-]+?)(?:-body)?"[^>]* data-hx-swap-oob="true"', html)


def status_of(html: str, name: str) -> str:
    """The inside of a section's status region (its live region)."""
    found = re.search(
        rf'<div class="section-status" id="claim-{name}-status" role="status" '
        rf'aria-live="polite"[^>]*>(.*?)</div>',
        html,
        re.S,
    )
    assert found, f"no status region for {name}"
    return found.group(1)


# Showing the panel ---------------------------------------------------------------------


def test_panel_shows_four_sections_and_leaves_two_to_load_when_opened(
    reviewer_client, claim, match, monkeypatch, django_assert_max_num_queries
):
    """The panel's first render shows facts, citations, verdict and discussion; history
    and "checked before" are closed sections that fetch themselves when opened, and
    neither is computed for the first render."""

    def not_now(*args, **kwargs):
        raise AssertionError("computed on the panel's first render")

    monkeypatch.setattr("claims.views.panel.claim_timeline", not_now)
    monkeypatch.setattr("claims.views.panel.similar_claims", not_now)
    with django_assert_max_num_queries(PANEL_QUERIES):
        response = reviewer_client.get(claim.get_absolute_url(), **HX)
    html = response.content.decode()
    assert sections_in(html) == [
        "facts",
        "checked-before",
        "citations",
        "verdict",
        "discussion",
        "history",
    ]
    for name in ("history", "checked-before"):
        url = section_url(claim, name)
        assert f'id="claim-{name}" data-hx-get="{url}" data-hx-trigger="toggle once"' in html
        assert f'<a href="{url}#claim-{name}">' in html
    assert "An earlier report" not in html
    for name in SHOWN:
        assert status_of(html, name) == ""


def test_whole_page_shows_the_panel_in_pinned_queries(
    reviewer_client, claim, django_assert_max_num_queries
):
    """Loading a claim's URL gives the workspace with the panel's sections."""
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = reviewer_client.get(claim.get_absolute_url())
    html = response.content.decode()
    assert "<html" in html
    assert sections_in(html) == [
        "facts",
        "checked-before",
        "citations",
        "verdict",
        "discussion",
        "history",
    ]


@pytest.mark.parametrize("name", SECTION_QUERIES)
def test_each_section_renders_alone_for_htmx(
    reviewer_client, claim, match, name, django_assert_max_num_queries
):
    """Each section's URL answers htmx with that section only, in its own few queries."""
    with django_assert_max_num_queries(SECTION_QUERIES[name]):
        response = reviewer_client.get(section_url(claim, name), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert sections_in(html) == [name]
    assert "<html" not in html
    assert "claim-row" not in html
    assert "HX-Request" in response.get("Vary", "")


@pytest.mark.parametrize("citations", [1, 30])
def test_citations_section_costs_the_same_with_more_citations(
    reviewer_client, claim, citations, django_assert_max_num_queries
):
    """The citations section's queries do not grow with its citations."""
    for _ in range(citations - 1):
        CitationFactory(claim=claim)
    with django_assert_max_num_queries(SECTION_QUERIES["citations"]):
        html = reviewer_client.get(section_url(claim, "citations"), **HX).content.decode()
    assert html.count('class="citation stance-') == citations


def test_history_loads_when_opened(reviewer_client, claim):
    """Opened, the history section comes back open with every recorded change."""
    html = reviewer_client.get(section_url(claim, "history"), **HX).content.decode()
    assert html.strip().startswith('<details class="section-body lazy-section timeline-box"')
    assert 'id="claim-history" open' in html
    assert "hx-get" not in html
    assert "created Claim" in html
    assert "created Verdict “True”" in html


def test_checked_before_loads_when_opened(reviewer_client, claim, match):
    """Opened, "checked before" lists claims of other articles saying the same."""
    html = reviewer_client.get(section_url(claim, "checked-before"), **HX).content.decode()
    assert 'id="claim-checked-before" open' in html
    assert f'href="{match.get_absolute_url()}"' in html
    assert "An earlier report" in html


def test_checked_before_says_when_nothing_matches(reviewer_client, claim):
    """With no similar claim elsewhere, the opened section says so."""
    html = reviewer_client.get(section_url(claim, "checked-before"), **HX).content.decode()
    assert "No claim of another article says the same." in html


def test_without_htmx_a_section_link_opens_the_workspace_with_it_loaded(reviewer_client, claim):
    """The link inside a closed section works without JavaScript: the whole workspace,
    with that section open and loaded, the other still closed."""
    response = reviewer_client.get(section_url(claim, "history"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'id="claim-list"' in html
    assert 'id="claim-history" open' in html
    assert "created Claim" in html
    assert 'id="claim-checked-before" data-hx-get=' in html


def test_unknown_section_is_404(reviewer_client, claim):
    assert reviewer_client.get(section_url(claim, "secrets"), **HX).status_code == 404


def test_sections_need_login(client, claim):
    """An anonymous visitor is sent to log in, for a section as for the panel."""
    response = client.get(section_url(claim, "history"), **HX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_cross_checker_cannot_read_the_first_rating_through_a_section(
    client, reviewer, other_reviewer
):
    """While blind, the panel offers no history or "checked before", and their URLs show
    neither the timeline nor the first reviewer's rating."""
    Desk.objects.update(cross_checking=True)
    claim = ClaimFactory(statement=STATEMENT, assignee=reviewer, status=ClaimStatus.IN_REVIEW)
    Verdict.objects.create(
        claim=claim,
        rating=default_rating("mostly-false"),
        author=reviewer,
        reasoning="Secret reasoning",
        state=VerdictState.SUBMITTED,
    )
    client.force_login(other_reviewer)
    panel = client.get(claim.get_absolute_url(), **HX).content.decode()
    assert 'id="claim-history" hidden' in panel
    assert 'id="claim-checked-before" hidden' in panel
    for name in ("history", "checked-before"):
        for headers in (HX, {}):
            html = client.get(section_url(claim, name), **headers).content.decode()
            assert "Hidden until you have recorded your rating." in html
            assert "verdict-record" not in html
            assert "Verdict “Mostly false”" not in html
            assert "Secret reasoning" not in html


def test_forms_inherit_their_target_from_the_panel(reviewer_client, claim):
    """The panel sets hx-target and hx-swap once; no form repeats them."""
    html = reviewer_client.get(claim.get_absolute_url(), **HX).content.decode()
    assert (
        '<section class="claim-panel" aria-labelledby="claim-panel-heading" '
        f'data-claim="{claim.pk}" data-hx-target="closest .section-body" data-hx-swap="outerHTML">'
    ) in html
    forms = re.findall(r"<form [^>]*>", html)
    assert len(forms) >= 8
    assert all("data-hx-post=" in form for form in forms)
    assert not [form for form in forms if "hx-target" in form or "hx-swap" in form]
    # The library search fills its results, not its section: the one explicit target.
    assert html.count("data-hx-target=") == 2


# Changing one section -------------------------------------------------------------------

# (action, section, its confirmation, the stale sections put back closed, queries)
CHANGES = [
    ("claim_edit", "facts", "Claim saved.", ["history", "checked-before"], 11),
    ("citation_create", "citations", "Source cited: Cited report.", ["history"], 16),
    ("citation_delete", "citations", "Citation removed.", ["history"], 19),
    (
        "source_refresh",
        "citations",
        "page will be fetched again",
        ["history"],
        13,
    ),  # the source locked and its live fetches checked
    ("verdict_save", "verdict", "Verdict draft saved.", ["history"], 17),
    ("comment_create", "discussion", "Comment posted.", [], 8),
]


def change(claim, action):
    """The URL and form data of a valid change of each kind."""
    if action == "claim_edit":
        data = {"statement": "Edited", "claimant": "Seoul", "kind": "statistic", "version": 1}
        return action_url(claim, action), data
    if action == "citation_create":
        source = SourceFactory(title="Cited report")
        return action_url(claim, action), {"source": source.pk, "stance": "refutes"}
    if action == "citation_delete":
        return action_url(claim, action, claim.citations.get().pk), {}
    if action == "source_refresh":
        return action_url(claim, action, claim.citations.get().source_id), {}
    if action == "verdict_save":
        draft = claim.verdicts.get()
        data = {"rating": default_rating("false").pk, "reasoning": "NIS.", "version": draft.version}
        return action_url(claim, action), data
    assert action == "comment_create"
    return action_url(claim, action), {"body": "Check NIS"}


@pytest.mark.parametrize(("action", "section", "message", "stale", "queries"), CHANGES)
def test_a_change_re_renders_only_its_section(
    reviewer_client, claim, action, section, message, stale, queries, django_assert_max_num_queries
):
    """A change answers htmx with its section (replacing the one the form was in), the
    sections it made stale put back closed, the claim's row, and its confirmation in its
    section's status region; the other sections' confirmations are emptied."""
    url, data = change(claim, action)
    target = {"HTTP_HX_TARGET": f"claim-{section}-body"}
    with django_assert_max_num_queries(queries):
        response = reviewer_client.post(url, data, **HX, **target)
    html = response.content.decode()
    assert response.status_code == 200
    assert sections_in(html) == [section, *stale]
    assert out_of_band(html) == stale
    assert f'id="claim-row-{claim.pk}" data-hx-swap-oob="true"' in html
    assert message in status_of(html, section)
    assert status_of(html, section).startswith('<p class="flash">')
    for other in SHOWN:
        if other != section:
            assert status_of(html, other) == ""
    assert "HX-Retarget" not in response
    assert response["HX-Push-Url"] == claim.get_absolute_url()


@pytest.mark.parametrize("action", [change[0] for change in CHANGES])
def test_a_change_without_htmx_redirects_to_the_claim(reviewer_client, claim, action):
    """Every change also works as a plain form post, answered with a redirect."""
    url, data = change(claim, action)
    response = reviewer_client.post(url, data)
    assert response.status_code == 302
    assert response.url == claim.get_absolute_url()


def test_a_form_aimed_elsewhere_still_replaces_its_section(reviewer_client, claim):
    """A change sent with another target (or none) is retargeted to its section."""
    response = reviewer_client.post(action_url(claim, "comment_create"), {"body": "Hi"}, **HX)
    assert response["HX-Retarget"] == "#claim-discussion-body"
    assert response["HX-Reswap"] == "outerHTML"


def test_bad_input_re_renders_its_section_with_the_errors(
    reviewer_client, claim, django_assert_max_num_queries
):
    """An invalid verdict comes back in the verdict section with the typed text kept."""
    with django_assert_max_num_queries(7):
        response = reviewer_client.post(
            action_url(claim, "verdict_save"), {"reasoning": "Kept words"}, **HX
        )
    html = response.content.decode()
    assert response.status_code == 422
    assert sections_in(html) == ["verdict"]
    assert "This field is required." in html
    assert "Kept words</textarea>" in html
    assert "HX-Push-Url" not in response


def test_a_refusal_is_announced_in_its_section(reviewer_client, claim):
    """A refused split explains why in the facts section's status region."""
    Claim.objects.filter(pk=claim.pk).update(version=5)
    at = claim.quote.index("one million")
    response = reviewer_client.post(
        action_url(claim, "claim_split"), {"at": at, "version": 1}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert sections_in(html) == ["facts"]
    assert "The claim changed meanwhile" in status_of(html, "facts")
    assert 'class="form-errors"' in status_of(html, "facts")


def test_a_stale_verdict_shows_the_conflict_in_the_verdict_section(reviewer_client, claim):
    """A verdict saved over a newer draft shows both in the verdict section only."""
    Verdict.objects.filter(claim=claim).update(reasoning="Their words", version=3)
    response = reviewer_client.post(
        action_url(claim, "verdict_save"),
        {"rating": default_rating().pk, "reasoning": "My words", "version": 1},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert sections_in(html) == ["verdict"]
    assert "Someone else changed this" in html
    assert "Their words" in html
    assert "My words</textarea>" in html


# Workflow steps ---------------------------------------------------------------------------

WORKFLOW_QUERIES = 15  # the guard reads the claim's verdicts and the desk setting too


def test_a_workflow_step_re_renders_the_sections_its_status_changes(
    reviewer_client, reviewer, django_assert_max_num_queries
):
    """Taking a claim changes its status and who may edit it: facts, citations and verdict
    come back (not the discussion), the closed sections are reset, and the confirmation
    is in the facts section, where the button was."""
    claim = ClaimFactory(statement=STATEMENT)
    Comment.objects.create(claim=claim, author=reviewer, body="Unchanged")
    with django_assert_max_num_queries(WORKFLOW_QUERIES):
        response = reviewer_client.post(
            action_url(claim, "do:assign_self"), **HX, HTTP_HX_TARGET="claim-facts-body"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert sections_in(html) == ["facts", "citations", "verdict", "history", "checked-before"]
    assert out_of_band(html) == ["citations", "verdict", "history", "checked-before"]
    assert "Unchanged" not in html
    assert 'class="status status-researching"' in html
    assert "The claim is yours to research." in status_of(html, "facts")
    assert "HX-Retarget" not in response


def test_a_step_taken_in_the_verdict_section_is_confirmed_there(reviewer_client, claim):
    """Submitting from the verdict section puts its confirmation in that section."""
    response = reviewer_client.post(
        action_url(claim, "do:submit"), **HX, HTTP_HX_TARGET="claim-verdict-body"
    )
    html = response.content.decode()
    assert sections_in(html)[0] == "verdict"
    assert "Verdict submitted for review." in status_of(html, "verdict")
    assert status_of(html, "facts") == ""
    assert "HX-Retarget" not in response


def test_a_step_aimed_at_the_whole_panel_goes_to_the_facts_section(reviewer_client, claim):
    """A workflow button that still targets the whole panel gets the facts section."""
    response = reviewer_client.post(
        action_url(claim, "do:release"), **HX, HTTP_HX_TARGET="claim-panel"
    )
    assert response["HX-Retarget"] == "#claim-facts-body"
    assert "Claim released." in status_of(response.content.decode(), "facts")


def test_a_refused_step_is_announced_where_it_was_asked(reviewer_client, reviewer):
    """Submitting without a draft is refused in the verdict section's status region."""
    claim = ClaimFactory(assignee=reviewer, status=ClaimStatus.RESEARCHING)
    response = reviewer_client.post(
        action_url(claim, "do:submit"), **HX, HTTP_HX_TARGET="claim-verdict-body"
    )
    assert response.status_code == 403
    assert "Save a draft verdict" in status_of(response.content.decode(), "verdict")


def test_a_section_alone_asks_the_same_questions_as_the_panel(client, claim):
    """Rendered alone, a section shows another reviewer no forms on a claim they may not
    edit, and not someone else's draft verdict."""
    client.force_login(UserFactory(roles=["Reviewer"]))
    html = client.get(section_url(claim, "citations"), **HX).content.decode()
    assert 'class="citation stance-' in html
    assert "Cite source" not in html
    assert "Remove" not in html
    html = client.get(section_url(claim, "verdict"), **HX).content.decode()
    assert "Save draft verdict" not in html
    assert "verdict-record" not in html


def test_a_stuck_fetch_offers_fetch_again_and_a_fresh_one_does_not(reviewer_client, claim):
    """While a fetch is under way the panel offers no second one; once it is stuck past
    FETCH_STUCK_SECONDS it says so and offers "Fetch again"."""
    from datetime import timedelta

    from django.utils import timezone

    from claims.models import FetchStatus, Source

    source = claim.citations.get().source
    Source.objects.filter(pk=source.pk).update(fetch_status=FetchStatus.PENDING)
    html = reviewer_client.get(section_url(claim, "citations"), **HX).content.decode()
    assert "Fetching the page…" in html
    assert "Fetch again" not in html

    long_ago = timezone.now() - timedelta(hours=1)
    Source.objects.filter(pk=source.pk).update(updated_at=long_ago)
    html = reviewer_client.get(section_url(claim, "citations"), **HX).content.decode()
    assert "taking too long" in html
    assert "Fetch again" in html


def test_a_statement_to_edit_is_a_flag_in_why_this_score_not_a_weight(reviewer_client, claim):
    """The detector's needs_editing signal weighs nothing: the panel says what to edit
    ("Needs editing: who is …?") instead of showing "+0.00"; other signals keep theirs."""
    Claim.objects.filter(pk=claim.pk).update(
        signals=[
            {"name": "quantity", "weight": 1.435, "evidence": "one million"},
            {"name": "needs_editing", "weight": 0.0, "evidence": "who is “These exchanges”?"},
        ]
    )
    html = reviewer_client.get(claim.get_absolute_url(), **HX).content.decode()
    assert (
        '<li class="flag"><span class="signal-name">Needs editing:</span> '
        "who is “These exchanges”?</li>"
    ) in html
    assert "+0.00" not in html
    assert "needs_editing" not in html
    assert '<span class="signal-name">quantity</span> +1.44 <q>one million</q>' in html


def test_the_assign_list_reads_the_reviewers_once(editor, reviewer, django_assert_num_queries):
    """The assign form's select is asked for its choices more than once as it renders: one
    query for all."""
    form = AssignForm(reviewers=reviewers())
    with django_assert_num_queries(1):
        html = str(form["assignee"])
    assert f'<option value="{reviewer.pk}">{reviewer}</option>' in html
