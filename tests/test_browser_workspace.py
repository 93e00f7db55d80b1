"""Browser tests of the reviewer workspace: citing, verdicts, conflicts, keyboard, a11y.

They drive Debian's Chromium with Playwright against the live server, on the demo desk
(the demo library, the demo accounts and the seed article).
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from claims.models import Citation, Claim, ClaimOrigin, Source, Verdict
from tests.test_browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
ROUNDS = "one million artillery rounds"
CHOSUN_URL = (
    "https://english.chosun.com/site/data/html_dir/2023/11/02/2023110201083.html?utm_source=x"
)
EDITOR = {"username": "editor", "password": "demo-editor-2023"}


@pytest.fixture
def desk(demo_desk):
    """The demo desk; returns the seed article."""
    return demo_desk


def open_workspace(page: Page, live_server, article) -> None:
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(page.locator("#article-body")).to_be_visible()


def open_claim(page: Page, text: str) -> int:
    """Click the claim row containing `text`; return the claim's pk once its panel shows."""
    link = page.locator(".claim-link", has_text=text).first
    pk = int(link.get_attribute("data-claim"))
    link.click()
    expect(page.locator(".claim-panel")).to_have_attribute("data-claim", str(pk))
    return pk


def set_reload_marker(page: Page) -> None:
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def serious_violations(page: Page) -> list[dict]:
    """Run axe-core on the page; the serious and critical violations, summarised."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [
                {
                    "target": node["target"],
                    "html": node["html"][:200],
                    "why": node["failureSummary"],
                }
                for node in violation["nodes"][:5]
            ],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


# 1. The main flow ---------------------------------------------------------------------


def test_reviewer_cites_a_source_and_drafts_a_verdict_without_reload(page: Page, live_server, desk):
    """A reviewer attaches a library source and drafts a verdict without a page reload.

    The pasted URL (with a tracking parameter) reuses the demo library's source, whose
    publisher and reliability show on the citation; the claim's list row shows the draft.
    """
    sources_before = Source.objects.count()
    log_in(page, live_server)
    page.get_by_role("link", name=re.compile("Blinken in Seoul")).click()
    expect(page.locator("#claim-list")).to_contain_text(ROUNDS)
    set_reload_marker(page)

    pk = open_claim(page, ROUNDS)
    panel = page.locator(".claim-panel")
    panel.get_by_text("Add a source").click()
    panel.get_by_label("Source URL").fill(CHOSUN_URL)
    panel.get_by_label("Supports").check()
    panel.get_by_label("Excerpt").fill("North Korea has sent over a million artillery shells")
    panel.get_by_role("button", name="Cite source").click()

    citation = panel.locator(".citation")
    expect(citation).to_have_count(1)
    expect(citation).to_contain_text("N.Korea has sent over a million artillery shells")
    expect(citation.locator(".citation-meta")).to_contain_text("The Chosun Ilbo")
    expect(citation.locator(".reliability")).to_have_text("Generally reliable")
    expect(citation.locator(".stance")).to_have_text("Supports")
    expect(citation.locator(".excerpt")).to_have_text(
        "North Korea has sent over a million artillery shells"
    )
    expect(panel.locator("#claim-citations [role=status]")).to_contain_text("Source cited")

    link = "https://english.chosun.com/site/data/html_dir/2023/11/02/2023110201083.html"
    panel.get_by_label("Rating").select_option(label="Mostly true")
    panel.get_by_label("Reasoning").fill(f"The NIS put it at over a million shells: {link}")
    panel.get_by_role("button", name="Save draft verdict").click()

    expect(panel.locator("#claim-verdict [role=status]")).to_have_text("Verdict draft saved.")
    # The earlier confirmation is gone: only the section that changed speaks.
    expect(panel.locator(".flash")).to_have_count(1)
    record = panel.locator(".verdict-record")
    expect(record).to_contain_text("Mostly true")
    expect(record.locator(f".reasoning a[href='{link}']")).to_be_visible()
    expect(page.locator(f"#claim-row-{pk} .verdict-chip")).to_have_text(
        "Verdict: Mostly true (draft)"
    )
    expect(page).to_have_url(re.compile(rf"/claims/{pk}/$"))
    assert_not_reloaded(page)

    assert Source.objects.count() == sources_before
    cited = Citation.objects.select_related("source").get(claim_id=pk)
    assert cited.source.url == link
    assert cited.stance == "supports"
    verdict = Verdict.objects.get(claim_id=pk)
    assert (verdict.state, verdict.rating.label) == ("draft", "Mostly true")


# 2. Conflicts -------------------------------------------------------------------------


def test_stale_claim_edit_shows_a_conflict_and_keeps_the_typed_text(
    browser: Browser, live_server, desk
):
    """Two people edit the same claim: the second sees the first's version, keeps their
    own text, and a second save from them then goes through knowingly."""
    claim = Claim.objects.filter(article=desk, quote__contains=ROUNDS).first()
    url = f"{live_server.url}{claim.get_absolute_url()}"
    context_a, context_b = browser.new_context(), browser.new_context()
    try:
        page_a, page_b = context_a.new_page(), context_b.new_page()
        log_in(page_a, live_server)
        log_in(page_b, live_server, **EDITOR)
        panels = []
        for page in (page_a, page_b):
            page.goto(url)
            panel = page.locator(".claim-panel")
            panel.get_by_text("Edit claim").click()
            expect(panel.get_by_label("Statement")).to_be_visible()
            panels.append(panel)
        panel_a, panel_b = panels

        theirs = "North Korea sent about one million artillery rounds to Russia (A)."
        panel_a.get_by_label("Statement").fill(theirs)
        panel_a.get_by_role("button", name="Save claim").click()
        expect(panel_a.locator("#claim-facts-status")).to_have_text("Claim saved.")
        expect(panel_a.locator("#claim-panel-heading")).to_have_text(theirs)

        mine = "Pyongyang shipped roughly a million artillery rounds to Moscow (B)."
        panel_b.get_by_label("Statement").fill(mine)
        panel_b.get_by_role("button", name="Save claim").click()
        box = panel_b.locator(".conflict")
        expect(box).to_contain_text("Someone else changed this")
        expect(box).to_contain_text(theirs)
        expect(panel_b.get_by_label("Statement")).to_have_value(mine)
        claim.refresh_from_db()
        assert claim.statement == theirs

        panel_b.get_by_role("button", name="Save claim").click()
        expect(panel_b.locator("#claim-facts-status")).to_have_text("Claim saved.")
        expect(panel_b.locator(".conflict")).to_have_count(0)
        expect(panel_b.locator("#claim-panel-heading")).to_have_text(mine)
        expect(page_b.locator(f"#claim-row-{claim.pk} .statement")).to_have_text(mine)
        claim.refresh_from_db()
        assert claim.statement == mine
    finally:
        context_a.close()
        context_b.close()


def test_stale_verdict_draft_shows_a_conflict_and_keeps_the_typed_reasoning(
    browser: Browser, live_server, desk
):
    """The same reviewer drafts a verdict in two tabs: the stale tab gets a conflict
    showing the other draft, keeps its reasoning, and saving again replaces the draft."""
    claim = Claim.objects.filter(article=desk, quote__contains=ROUNDS).first()
    url = f"{live_server.url}{claim.get_absolute_url()}"
    context = browser.new_context()
    try:
        page_a = context.new_page()
        log_in(page_a, live_server)
        page_b = context.new_page()
        panels = []
        for page in (page_a, page_b):
            page.goto(url)
            panels.append(page.locator(".claim-panel"))
        panel_a, panel_b = panels

        panel_a.get_by_label("Rating").select_option(label="True")
        panel_a.get_by_label("Reasoning").fill("Tab A: the NIS figure matches.")
        panel_a.get_by_role("button", name="Save draft verdict").click()
        expect(panel_a.locator("#claim-verdict-status")).to_have_text("Verdict draft saved.")

        panel_b.get_by_label("Rating").select_option(label="Half true")
        panel_b.get_by_label("Reasoning").fill("Tab B: the figure is an estimate.")
        panel_b.get_by_role("button", name="Save draft verdict").click()
        box = panel_b.locator(".conflict")
        expect(box).to_contain_text("Someone else changed this")
        expect(box).to_contain_text("Tab A: the NIS figure matches.")
        expect(panel_b.get_by_label("Reasoning")).to_have_value("Tab B: the figure is an estimate.")

        panel_b.get_by_role("button", name="Save draft verdict").click()
        expect(panel_b.locator("#claim-verdict-status")).to_have_text("Verdict draft saved.")
        expect(page_b.locator(f"#claim-row-{claim.pk} .verdict-chip")).to_have_text(
            "Verdict: Half true (draft)"
        )
        verdict = Verdict.objects.get(claim=claim)
        assert verdict.reasoning == "Tab B: the figure is an estimate."
    finally:
        context.close()


# 3. Accessibility ---------------------------------------------------------------------


def test_no_serious_accessibility_violations(browser: Browser, live_server, desk):
    """axe-core finds no serious or critical violations on the login page, the article
    list and the workspace with a claim panel open."""
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        found = {"login": serious_violations(page)}
        log_in(page, live_server)
        found["article list"] = serious_violations(page)
        open_workspace(page, live_server, desk)
        open_claim(page, ROUNDS)
        page.locator(".claim-panel").get_by_text("Add a source").click()
        found["workspace"] = serious_violations(page)
        found = {name: violations for name, violations in found.items() if violations}
        assert not found, json.dumps(found, indent=2)
    finally:
        context.close()


# 4. Keyboard --------------------------------------------------------------------------


def test_keyboard_shortcuts_open_a_claim_and_move_to_its_forms(page: Page, live_server, desk):
    """j j Enter opens the second claim with focus on its heading; s goes to the source
    URL, v to the rating; ? opens the shortcuts dialog and Escape closes it."""
    log_in(page, live_server)
    open_workspace(page, live_server, desk)
    second = page.locator(".claim-link").nth(1).get_attribute("data-claim")

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(".claim-link").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".claim-panel")).to_have_attribute("data-claim", second)
    expect(page.locator("#claim-panel-heading")).to_be_focused()

    page.keyboard.press("s")
    expect(page.locator("#add-source input[name=url]")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # out of the field, onto "Add a source"
    page.keyboard.press("v")
    expect(page.locator("#verdict-form select[name=rating]")).to_be_focused()

    page.locator("#claim-panel-heading").focus()
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


# 5. Adding a claim from a selection ---------------------------------------------------


SELECT_PHRASE = """
(phrase) => {
  const body = document.getElementById("article-body");
  const at = body.textContent.indexOf(phrase);
  if (at < 0) throw new Error("phrase not in the article text");
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (seen <= at && at < seen + length) range.setStart(node, at - seen);
    if (seen < at + phrase.length && at + phrase.length <= seen + length) {
      range.setEnd(node, at + phrase.length - seen);
      break;
    }
    seen += length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  body.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  return at;
}
"""


def test_selecting_words_in_the_article_adds_a_claim(page: Page, live_server, desk):
    """Selecting words (curly quotes included) in the article text fills the "Add a claim"
    form with their offsets; submitting it adds a claim over exactly those words."""
    phrase = "monitoring “closely and carefully” possible transfers"
    log_in(page, live_server)
    open_workspace(page, live_server, desk)
    expect(page.locator("#selection-action")).to_be_hidden()
    at = page.evaluate(SELECT_PHRASE, phrase)

    form = page.locator("#add-claim-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Exact words from the article")).to_have_value(phrase)
    expect(form.locator("input[name=start]")).to_have_value(str(at))
    expect(form.locator("input[name=end]")).to_have_value(str(at + len(phrase)))
    page.get_by_role("button", name="Add a claim from the selected words").click()
    expect(form.get_by_label("Statement")).to_be_focused()
    form.get_by_role("button", name="Add claim").click()

    panel = page.locator(".claim-panel")
    expect(panel.locator("blockquote mark")).to_have_text(phrase)
    expect(panel.locator("#claim-panel-heading")).to_have_text(phrase)
    claim = Claim.objects.get(article=desk, quote=phrase)
    assert claim.origin == ClaimOrigin.MANUAL
    assert desk.body[claim.start : claim.end] == phrase
    expect(page.locator(f"#claim-row-{claim.pk}")).to_contain_text(phrase)


# 6. Phone width -----------------------------------------------------------------------


def test_workspace_fits_a_phone_screen(browser: Browser, live_server, desk):
    """At 375 px wide the workspace has no horizontal scroll and a claim panel opens."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        log_in(page, live_server)
        open_workspace(page, live_server, desk)
        scroll_width = "document.documentElement.scrollWidth"
        assert page.evaluate(scroll_width) <= 375
        open_claim(page, ROUNDS)
        expect(page.locator("#claim-panel-heading")).to_be_in_viewport()
        assert page.evaluate(scroll_width) <= 375
    finally:
        context.close()


# 7. Filters ---------------------------------------------------------------------------


def test_searching_claims_narrows_the_list_without_reload(page: Page, live_server, desk):
    """Typing in the claim search narrows the list in place and puts ?q= in the URL."""
    log_in(page, live_server)
    open_workspace(page, live_server, desk)
    rows = page.locator(".claim-row")
    total = rows.count()
    set_reload_marker(page)

    page.get_by_label("Search claims").fill("Hamas")
    expect(page).to_have_url(re.compile(r"[?&]q=Hamas(&|$)"))
    expect(page.locator(".filter-note")).to_contain_text("claims match")
    expect(rows.filter(has_text=ROUNDS)).to_have_count(0)
    expect(rows.filter(has_text="anti-tank rocket launchers")).not_to_have_count(0)
    assert rows.count() < total
    assert_not_reloaded(page)


def test_review_and_public_pages_are_accessible(browser: Browser, live_server, desk):
    """axe-core finds no serious or critical violations on the editor's review page,
    My work, and the public fact-check, report and methodology pages."""
    from django.contrib.auth import get_user_model

    from claims import editing, workflow
    from tests.factories import default_rating

    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    claim = Claim.objects.get(article=desk, quote__contains="one million artillery")
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("mostly-true"), reasoning="NIS.", version=None
    )
    workflow.submit_for_review(claim, by=reviewer)
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        log_in(page, live_server, "editor", "demo-editor-2023")
        page.goto(f"{live_server.url}/my-work/")
        found = {"my work": serious_violations(page)}
        page.goto(f"{live_server.url}/articles/{desk.pk}/claims/{claim.pk}/review/")
        found["review"] = serious_violations(page)
        workflow.approve(claim, by=editor, override_reason="Estimate only.")
        for name, path in (
            ("fact-check", f"/fact-checks/{claim.pk}/"),
            ("report", f"/reports/{desk.pk}/"),
            ("index", "/fact-checks/"),
            ("methodology", "/methodology/"),
        ):
            page.goto(f"{live_server.url}{path}")
            found[name] = serious_violations(page)
        found = {name: violations for name, violations in found.items() if violations}
        assert not found, json.dumps(found, indent=2)
    finally:
        context.close()
