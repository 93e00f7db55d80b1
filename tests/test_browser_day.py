"""Browser tests of what a desk's day ran into: refusals with DEBUG on and off, Esc,
picking a library source before citing it, reusing a source's kind and title."""

import pytest
from playwright.sync_api import Page, expect

from claims import workflow
from claims.models import Citation, Claim, SourceKind
from claims.permissions import reviewers
from tests.factories import UserFactory
from tests.test_browser import log_in
from tests.test_browser_workspace import ROUNDS, open_claim, open_workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_a_stale_take_reads_as_a_message_in_place(
    page: Page, live_server, demo_desk, settings, debug
):
    """Two reviewers take the same claim: the second sees why not in the claim's facts,
    the page itself (header, list, panel) still there, with DEBUG on and off."""
    settings.DEBUG = debug
    log_in(page, live_server)
    open_workspace(page, live_server, demo_desk)
    pk = open_claim(page, ROUNDS)
    other = UserFactory(username="oscar", roles=["Reviewer"])
    workflow.take(Claim.objects.get(pk=pk), by=other)

    panel = page.locator(".claim-panel")
    panel.get_by_role("button", name="Take this claim").click()
    expect(panel.locator("#claim-facts-status")).to_have_text(
        "This claim is already assigned to someone else."
    )
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator("#claim-list")).to_be_visible()
    expect(panel.locator("#claim-facts-body")).to_contain_text("oscar")


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_a_claim_gone_meanwhile_reads_as_a_message_in_place(
    page: Page, live_server, demo_desk, settings, debug
):
    """A claim merged away in another tab answers 404: the section says so and the page
    stays, with DEBUG on (no debug page over the desk) and off (not silence)."""
    settings.DEBUG = debug
    log_in(page, live_server)
    open_workspace(page, live_server, demo_desk)
    pk = open_claim(page, ROUNDS)
    Claim.objects.filter(pk=pk).delete()

    panel = page.locator(".claim-panel")
    panel.get_by_label("Comment").fill("Still here?")
    panel.get_by_role("button", name="Post comment").click()
    expect(panel.locator("#claim-discussion-status")).to_contain_text("This is no longer here")
    expect(page.locator(".site-header")).to_be_visible()
    expect(panel.get_by_label("Comment")).to_have_value("Still here?")


def test_escape_closes_the_claim_but_not_while_typing(page: Page, live_server, demo_desk):
    """Esc in a field keeps the panel (and the text typed); Esc elsewhere closes it."""
    log_in(page, live_server)
    open_workspace(page, live_server, demo_desk)
    open_claim(page, ROUNDS)
    panel = page.locator(".claim-panel")
    panel.get_by_label("Comment").fill("Half a thought")
    page.keyboard.press("Escape")
    expect(panel).to_be_visible()
    page.locator("#claim-panel-heading").focus()
    page.keyboard.press("Escape")
    expect(page.locator(".claim-panel")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}{demo_desk.get_absolute_url()}")


def test_a_library_source_is_picked_then_cited_with_its_stance_and_excerpt(
    page: Page, live_server, demo_desk
):
    """Clicking a search result cites nothing; the reviewer then chooses the stance,
    types the excerpt and cites; they set the source's kind, which the panel shows."""
    log_in(page, live_server)
    open_workspace(page, live_server, demo_desk)
    pk = open_claim(page, ROUNDS)
    assert reviewers().filter(username="reviewer").exists()
    panel = page.locator(".claim-panel")
    panel.get_by_text("Add a source").click()
    panel.get_by_label("…or search the library").fill("Chosun")
    result = panel.locator("#source-results input[name=source]").first
    result.check()
    page.wait_for_timeout(300)
    assert not Citation.objects.filter(claim_id=pk).exists()
    expect(panel.get_by_label("Supports")).not_to_be_checked()

    panel.get_by_label("Refutes").check()
    panel.get_by_label("Excerpt").fill("over a million artillery shells")
    panel.get_by_role("button", name="Cite source").click()
    citation = panel.locator(".citation")
    expect(citation).to_have_count(1)
    expect(citation.locator(".stance")).to_have_text("Refutes")
    expect(citation.locator(".excerpt")).to_have_text("over a million artillery shells")

    citation.get_by_text("Kind and title").click()
    citation.get_by_label("Kind").select_option(label="Official statement")
    citation.get_by_role("button", name="Save source").click()
    expect(panel.locator("#claim-citations-status")).to_contain_text("Source described")
    expect(panel.locator(".citation .citation-meta")).to_contain_text("Official statement")
    assert Citation.objects.get(claim_id=pk).source.kind == SourceKind.OFFICIAL
