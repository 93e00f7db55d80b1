"""Browser tests of the claim panel's sections: what loads when opened, what a change
re-renders, where its confirmation goes, and the same panel without JavaScript."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.test_browser import log_in
from tests.test_browser_workspace import ROUNDS, open_claim, open_workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def section_requests(page: Page) -> list[str]:
    """The section URLs the page fetches from now on (filled in as they happen)."""
    fetched = []
    page.on(
        "request",
        lambda request: fetched.append(request.url) if "/sections/" in request.url else None,
    )
    return fetched


def test_history_loads_when_opened_and_again_after_a_change(page: Page, live_server, demo_desk):
    """History is fetched only when opened; a change made while it is open loads it again,
    still open, with the change in it."""
    log_in(page, live_server)
    open_workspace(page, live_server, demo_desk)
    fetched = section_requests(page)
    open_claim(page, ROUNDS)
    history = page.locator("#claim-history")
    expect(history).not_to_have_attribute("open", "")
    assert fetched == []

    history.get_by_text("History").click()
    expect(history.locator(".timeline li")).not_to_have_count(0)
    assert [url.rsplit("/sections/", 1)[1] for url in fetched] == ["history/"]

    panel = page.locator(".claim-panel")
    panel.get_by_role("button", name="Take this claim").click()
    expect(panel.locator("#claim-facts-status")).to_have_text("The claim is yours to research.")
    expect(history).to_have_attribute("open", "")
    expect(history.locator(".timeline")).to_contain_text("Researching")
    checked = page.locator("#claim-checked-before")
    expect(checked).not_to_have_attribute("open", "")
    assert [url.rsplit("/sections/", 1)[1] for url in fetched] == ["history/", "history/"]

    checked.get_by_text("Checked before").click()
    expect(checked).to_contain_text("No claim of another article says the same.")


def test_a_change_keeps_the_keyboard_in_its_section(page: Page, live_server, demo_desk):
    """Saving a draft from the keyboard leaves focus on the verdict section's heading,
    with the confirmation in that section's status region; the rest stays in place."""
    log_in(page, live_server)
    open_workspace(page, live_server, demo_desk)
    pk = open_claim(page, ROUNDS)
    panel = page.locator(".claim-panel")
    panel.get_by_label("Rating").select_option(label="Half true")
    panel.get_by_label("Reasoning").fill("An estimate.")
    page.evaluate("document.getElementById('claim-citations-body').dataset.marker = 'kept'")
    panel.get_by_role("button", name="Save draft verdict").focus()
    page.keyboard.press("Enter")

    status = panel.locator("#claim-verdict-status")
    expect(status).to_have_text("Verdict draft saved.")
    expect(status).to_have_attribute("role", "status")
    expect(page.locator("#verdict-heading")).to_be_focused()
    expect(page.locator("#claim-citations-body")).to_have_attribute("data-marker", "kept")
    expect(page.locator(f"#claim-row-{pk}")).to_have_class(re.compile(r"\bis-selected\b"))
    expect(page.locator(f"#claim-row-{pk} .verdict-chip")).to_have_text(
        "Verdict: Half true (draft)"
    )


def test_the_panel_works_without_javascript(browser: Browser, live_server, demo_desk):
    """Without JavaScript the closed sections open through their link, and a form posts
    and comes back to the claim with the message."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.goto(f"{live_server.url}{demo_desk.get_absolute_url()}")
        page.locator(".claim-link", has_text=ROUNDS).first.click()
        history = page.locator("#claim-history")
        history.get_by_text("History").click()
        history.get_by_role("link", name="Show every change to this claim").click()
        expect(page).to_have_url(re.compile(r"/sections/history/#claim-history$"))
        expect(page.locator("#claim-history")).to_have_attribute("open", "")
        expect(page.locator("#claim-history .timeline li")).not_to_have_count(0)

        panel = page.locator(".claim-panel")
        panel.get_by_label("Comment").fill("Without scripts.")
        panel.get_by_role("button", name="Post comment").click()
        expect(page).to_have_url(re.compile(r"/claims/\d+/$"))
        expect(page.locator(".messages")).to_contain_text("Comment posted.")
        expect(page.locator(".comment-list")).to_contain_text("Without scripts.")
    finally:
        context.close()
