"""Journeys: a desk's whole day in Chromium, every role, with every page checked.

A reviewer imports the seed article and triages it; an editor assigns; reviewers research,
draft and submit; the editor sends back and approves; a second reviewer cross-checks; the
admin keeps the library; readers get the public page, the feed and the API; a correction
goes through approval again. Refusals (races, stale tabs, permissions), the keyboard alone
and a phone-sized screen have journeys of their own.

Every desk and public page a journey visits, and every state an htmx swap leaves it in,
passes the Nu HTML Checker (no error) and axe-core (no violation of any impact): see
`tests/pagecheck.py`. The stock Django admin pages keep their own markup and are not checked.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from claims import demo
from claims.models import Claim, ClaimStatus, Desk, Source, SourceKind, Verdict, VerdictState
from claims.sources.tasks import fetch_source
from tests.conftest import restore_data_migrations
from tests.pagecheck import NU, check_page
from tests.webpages import serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {
    "reviewer": "demo-reviewer-2023",
    "editor": "demo-editor-2023",
    "admin": "demo-admin-2023",
    "rhea": "second-reviewer-2023",
}
ROUNDS = "one million artillery rounds"
STATEMENT_EXCERPT = "more than one million artillery shells since August"
STATEMENT_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Briefing on North Korea's arms transfers to Russia</title></head>
<body><article><h1>Briefing on North Korea's arms transfers to Russia</h1>
<p>The intelligence service told lawmakers that the North has sent {STATEMENT_EXCERPT},
by ship and by rail, in about ten shipments.</p>
<p>Officials said the estimate rests on satellite imagery and intercepted communications,
and that the exact number of rounds cannot be confirmed independently.</p>
</article></body></html>"""


@pytest.fixture(scope="session", autouse=True)
def nu_checker():
    """Start the Nu HTML Checker's JVM at once, so that it warms up while tests set up."""
    NU.start()
    return NU


@pytest.fixture
def desk(transactional_db):
    """The demo library and accounts, a second reviewer, and no article yet."""
    restore_data_migrations()
    demo.load_demo_library()
    demo.create_demo_accounts()
    rhea = get_user_model().objects.create_user("rhea", "rhea@desk.invalid", PASSWORDS["rhea"])
    rhea.groups.add(*get_user_model().objects.get(username="reviewer").groups.all())
    return Desk.current()


@pytest.fixture
def seed_article(desk):
    return demo.load_seed_article().article


@pytest.fixture
def statement_site():
    """A web page on 127.0.0.1 for reviewers to cite by URL; the fetcher may read it."""

    with serving(lambda path: STATEMENT_PAGE) as site:
        yield f"{site}/briefing/arms-transfers"


def open_as(browser: Browser, live_server, username: str, *, check_login=False, **options):
    """A browser of its own for `username`, logged in; the article list shows."""
    context = browser.new_context(bypass_csp=True, **options)  # axe-core is injected inline
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    if check_login:
        check_page(page)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    return page


def claim_pk(article, text: str, **filters) -> int:
    return Claim.objects.filter(article=article, quote__contains=text, **filters).get().pk


def open_claim(page: Page, pk: int):
    """Open a claim from the workspace's list; its panel."""
    page.locator(f'.claim-link[data-claim="{pk}"]').click()
    panel = page.locator(".claim-panel")
    expect(panel).to_have_attribute("data-claim", str(pk))
    return panel


def status_of(panel) -> object:
    return panel.locator("#claim-facts-body header .status")


def goto(page: Page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    check_page(page)


# The day ------------------------------------------------------------------------------


def test_a_desk_day(browser: Browser, live_server, desk, statement_site, settings):
    """Import → triage → assign → research → draft → submit → send back → resubmit →
    cross-check → approve with an override → public page, feed, API → correction →
    re-approval without one, every role in a browser of its own."""
    settings.FETCH_ALLOW_LOOPBACK = True
    reviewer = open_as(browser, live_server, "reviewer", check_login=True)
    check_page(reviewer)

    # Import: the reviewer pastes the seed article.
    reviewer.get_by_role("navigation").get_by_role("link", name="Import article").click()
    check_page(reviewer)
    pasted = reviewer.locator("form[aria-labelledby=from-text]")
    pasted.get_by_label(re.compile(r"^Title")).fill(demo.SEED_TITLE)
    pasted.get_by_label("Published on").fill("2023-11-09")
    seed_text = demo.SEED_ARTICLE.read_text(encoding="utf-8")
    pasted.get_by_label(re.compile(r"^Article text")).fill(seed_text)
    pasted.get_by_role("button", name="Import and propose claims").click()
    expect(reviewer.locator("#article-body")).to_be_visible()
    check_page(reviewer)
    article = Claim.objects.latest("pk").article
    workspace = article.get_absolute_url()

    # Triage: accept, dismiss with a reason, split, merge.
    analysing = claim_pk(article, "really concerned about any support")
    panel = open_claim(reviewer, analysing)
    check_page(reviewer)
    panel.get_by_role("button", name="Accept for checking").click()
    expect(status_of(panel)).to_have_text("Accepted")

    punished = claim_pk(article, "must be punished")
    panel = open_claim(reviewer, punished)
    panel.get_by_text("Dismiss…").click()
    panel.get_by_label("Reason for dismissing").fill("A condition, not a checkable fact.")
    check_page(reviewer)
    panel.get_by_role("button", name="Dismiss claim").click()
    expect(status_of(panel)).to_have_text("Dismissed")
    check_page(reviewer)

    dialogue = claim_pk(article, "turned its back on dialogue")
    panel = open_claim(reviewer, dialogue)
    panel.get_by_text("Edit claim").click()
    panel.get_by_label("Split before").select_option(index=8)
    check_page(reviewer)
    panel.get_by_role("button", name="Split claim").click()
    expect(reviewer.locator(".messages")).to_contain_text("Claim split in two.")
    check_page(reviewer)
    assert Claim.objects.filter(article=article, start__gt=866, end=1172).exists()

    violate = claim_pk(article, "violate UN resolutions")
    permanent = claim_pk(article, "permanent member of the Security Council")
    reviewer.locator(f'input[name=claims][value="{violate}"]').check()
    reviewer.locator(f'input[name=claims][value="{permanent}"]').check()
    reviewer.get_by_role("button", name="Merge").click()
    expect(reviewer.locator(".messages")).to_contain_text("Merged 2 claims into one.")
    check_page(reviewer)
    assert not Claim.objects.filter(pk=permanent).exists()

    # Assign: the reviewer takes the rounds claim; the editor gives another to Rhea.
    rounds = claim_pk(article, ROUNDS)
    reviewer.goto(f"{live_server.url}{workspace}")
    panel = open_claim(reviewer, rounds)
    panel.get_by_role("button", name="Take this claim").click()
    expect(status_of(panel)).to_have_text("Researching")
    check_page(reviewer)

    editor = open_as(browser, live_server, "editor")
    goto(editor, live_server, workspace)
    launchers = claim_pk(article, "anti-tank rocket launchers")
    editor_panel = open_claim(editor, launchers)
    editor_panel.get_by_label("Assign to").select_option(label="rhea")
    check_page(editor)
    editor_panel.get_by_role("button", name="Assign").click()
    expect(status_of(editor_panel)).to_have_text("Researching")
    expect(editor_panel.locator(".facts")).to_contain_text("rhea")

    # Research: cite a page by its URL with its excerpt, and a source from the library.
    panel = reviewer.locator(".claim-panel")
    panel.get_by_text("Add a source").click()
    panel.get_by_label("Source URL").fill(statement_site)
    panel.get_by_label("Title").fill("NIS briefing to lawmakers on arms transfers")
    panel.get_by_label("Supports").check()
    panel.get_by_label("Excerpt").fill(STATEMENT_EXCERPT)
    check_page(reviewer)
    panel.get_by_role("button", name="Cite source").click()
    expect(panel.locator(".citation")).to_have_count(1)
    check_page(reviewer)
    cited = Source.objects.get(url=statement_site)
    fetch_source.call(cited.pk)  # what the desk worker does in the background

    panel.get_by_text("Add a source").click()
    panel.get_by_label("Adds context").check()
    panel.get_by_label("Excerpt").fill("covertly supplying Russia with artillery shells")
    panel.get_by_label("…or search the library").fill("covertly supplying")
    library_hit = panel.locator("#source-results label", has_text="covertly supplying")
    expect(library_hit).to_be_visible()
    check_page(reviewer)
    # Picking a result cites nothing yet: the reviewer cites it with the stance and excerpt.
    library_hit.click()
    expect(panel.locator(".citation")).to_have_count(1)
    panel.get_by_role("button", name="Cite source").click()
    expect(panel.locator(".citation")).to_have_count(2)
    expect(panel.locator(".citation").first).to_contain_text("Page fetched")
    check_page(reviewer)

    # Draft and submit.
    panel.get_by_label("Rating").select_option(label="Mostly true")
    panel.get_by_label("Reasoning").fill("The NIS estimate is over a million shells.")
    panel.get_by_role("button", name="Save draft verdict").click()
    expect(panel.locator("#claim-verdict-status")).to_contain_text("Verdict draft saved")
    panel.get_by_role("button", name="Submit verdict for review").click()
    expect(status_of(panel)).to_have_text("In review")
    check_page(reviewer)

    # The editor sends it back from the review page.
    editor.get_by_role("link", name=re.compile("My work")).click()
    check_page(editor)
    editor.get_by_role("link", name=re.compile(ROUNDS)).click()
    expect(editor.get_by_role("heading", name=re.compile("Review:"))).to_be_visible()
    check_page(editor)
    editor.get_by_label("What needs another look").fill("Say it is a single estimate.")
    editor.get_by_role("button", name="Send back to the reviewer").click()
    expect(editor.locator(".messages")).to_be_visible()
    check_page(editor)

    # The reviewer sees why in My work, revises and resubmits.
    reviewer.get_by_role("link", name=re.compile("My work")).click()
    expect(reviewer.locator("#returned-heading + ul")).to_contain_text("single estimate")
    check_page(reviewer)
    reviewer.goto(f"{live_server.url}/articles/{article.pk}/claims/{rounds}/")
    panel = reviewer.locator(".claim-panel")
    expect(panel.locator(".returned-note")).to_contain_text("single estimate")
    check_page(reviewer)
    panel.get_by_label("Reasoning").fill(
        "A single intelligence estimate: the NIS told lawmakers over a million shells."
    )
    # The revised reasoning is saved first; the verdict section comes back with Submit.
    panel.get_by_role("button", name="Save draft verdict").click()
    expect(panel.get_by_text("Verdict draft saved.")).to_be_visible()
    panel.get_by_role("button", name="Submit verdict for review").click()
    expect(status_of(panel)).to_have_text("In review")

    # The admin turns blind cross-checking on (in the stock admin, not checked).
    admin = open_as(browser, live_server, "admin")
    admin.goto(f"{live_server.url}/admin/claims/desk/{desk.pk}/change/")
    admin.get_by_label("Cross checking").check()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_be_visible()
    assert Desk.current().cross_checking

    # A second reviewer cross-checks, blind.
    rhea = open_as(browser, live_server, "rhea")
    goto(rhea, live_server, f"/articles/{article.pk}/claims/{rounds}/")
    rhea_panel = rhea.locator(".claim-panel")
    expect(rhea_panel.locator(".verdict-record")).to_have_count(0)
    rhea_panel.get_by_label("Your rating").select_option(label="Mostly true")
    rhea_panel.get_by_role("button", name="Record my rating").click()
    expect(rhea_panel.locator(".verdict-record[data-state=submitted]")).to_contain_text("Mostly")
    check_page(rhea)

    # The editor approves: the primary-source check fails, so with an override reason.
    goto(editor, live_server, f"/articles/{article.pk}/claims/{rounds}/review/")
    expect(editor.locator(".checklist .unmet")).not_to_have_count(0)
    editor.get_by_label("Approve despite unmet checks because").fill(
        "The briefing is the only record; the page says it is an estimate."
    )
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messages")).to_contain_text("published")
    check_page(editor)
    approved = Verdict.objects.get(claim_id=rounds, state=VerdictState.APPROVED)
    assert approved.override_reason.startswith("The briefing is the only record")

    # Readers: the public page, the report, the index, the Atom feed, the API.
    reader = browser.new_context(bypass_csp=True).new_page()
    goto(reader, live_server, "/fact-checks/")
    reader.get_by_role("link", name=re.compile(ROUNDS)).first.click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(ROUNDS)
    check_page(reader)
    reader.get_by_role("link", name=re.compile("All fact-checks of")).click()
    check_page(reader)
    goto(reader, live_server, "/methodology/")
    feed = reader.request.get(f"{live_server.url}/fact-checks/feed.atom")
    assert feed.ok
    assert ROUNDS in feed.text()
    assert "Mostly true" in feed.text()
    api = reader.request.get(f"{live_server.url}/api/claims/{rounds}")
    assert api.ok
    assert api.json()["verdict"]["rating"]["label"] == "Mostly true"

    # The admin keeps the library: the briefing is an official statement, and whose.
    admin.goto(f"{live_server.url}/admin/claims/source/{cited.pk}/change/")
    admin.get_by_label("Kind").select_option(label="Official statement")
    admin.locator(".field-publisher [role=combobox]").click()
    admin.locator(".select2-search__field").fill("Department of State")
    admin.locator(".select2-results__option", has_text="US Department of State").click()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_be_visible()
    cited.refresh_from_db()
    assert (cited.kind, cited.publisher.name) == (SourceKind.OFFICIAL, "US Department of State")

    # A correction: proposed, cross-checked, approved with every check met.
    reviewer.reload()
    panel = reviewer.locator(".claim-panel")
    expect(status_of(panel)).to_have_text("Published")
    panel.get_by_text("Correct the published verdict…").click()
    panel.get_by_label("Corrected rating").select_option(label="Half true")
    panel.get_by_label("Reasoning", exact=True).fill(
        "One estimate, unconfirmed: half true until a second source confirms the figure."
    )
    panel.get_by_label("Correction note").fill("The figure rests on one unconfirmed estimate.")
    check_page(reviewer)
    panel.get_by_role("button", name="Submit correction for approval").click()
    expect(panel.locator(".verdict-record[data-state=submitted]")).to_have_count(1)
    check_page(reviewer)

    rhea.reload()
    rhea_panel.get_by_label("Your rating").select_option(label="Half true")
    rhea_panel.get_by_role("button", name="Record my rating").click()
    expect(rhea_panel.get_by_role("button", name="Record my rating")).to_have_count(0)

    goto(editor, live_server, f"/articles/{article.pk}/claims/{rounds}/review/")
    expect(editor.locator(".checklist .unmet")).to_have_count(0)
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messages")).to_contain_text("published")

    goto(reader, live_server, f"/fact-checks/{rounds}/")
    expect(reader.locator(".corrections")).to_contain_text("one unconfirmed estimate")
    expect(reader.locator(".rating-chip")).to_have_text("Half true")
    feed = reader.request.get(f"{live_server.url}/fact-checks/feed.atom")
    assert "Half true" in feed.text()
    assert Claim.objects.get(pk=rounds).status == ClaimStatus.PUBLISHED


def test_a_sent_back_verdict_can_be_resubmitted_at_once(
    browser: Browser, live_server, seed_article
):
    """The journey's resubmission without its workaround: once the editor sends a verdict
    back, the reviewer sees who returned it and can submit again straight away."""
    from claims import editing, workflow
    from tests.factories import default_rating

    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    claim = Claim.objects.get(pk=claim_pk(seed_article, ROUNDS))
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("mostly-true"), reasoning="NIS.", version=None
    )
    workflow.submit_for_review(claim, by=reviewer)
    workflow.send_back(claim, by=editor, note="Say it is a single estimate.")
    page = open_as(browser, live_server, "reviewer")
    goto(page, live_server, claim.get_absolute_url())
    panel = page.locator(".claim-panel")
    expect(panel.locator(".verdict-record")).not_to_contain_text("Returned by reviewer")
    expect(panel.get_by_role("button", name="Submit verdict for review")).to_be_visible()
    page.context.close()


# Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "debug",
    [False, True],
)
def test_refusals_read_as_messages_where_the_user_acted(
    browser: Browser, live_server, seed_article, settings, debug
):
    """Two reviewers race to take a claim, a stale tab accepts an accepted claim, a
    reviewer tries an editor's action: each is refused with a message in place, the
    workspace stays, and nothing changes."""
    settings.DEBUG = debug
    article, workspace = seed_article, seed_article.get_absolute_url()
    rounds = claim_pk(article, ROUNDS)
    first = open_as(browser, live_server, "reviewer")
    second = open_as(browser, live_server, "rhea")
    for page in (first, second):
        page.goto(f"{live_server.url}{workspace}")
        open_claim(page, rounds)
    first.locator(".claim-panel").get_by_role("button", name="Take this claim").click()
    expect(status_of(first.locator(".claim-panel"))).to_have_text("Researching")
    panel = second.locator(".claim-panel")
    panel.get_by_role("button", name="Take this claim").click()
    expect(panel.locator("#claim-facts-status .form-errors")).not_to_be_empty()
    expect(second.locator("#article-body")).to_be_visible()
    expect(status_of(panel)).to_have_text("Researching")
    check_page(second)
    assert Claim.objects.get(pk=rounds).assignee.username == "reviewer"

    # A stale tab: the claim was accepted in another tab meanwhile.
    analysing = claim_pk(article, "really concerned about any support")
    stale = second.context.new_page()
    stale.goto(f"{live_server.url}{workspace}")
    open_claim(stale, analysing)
    second.goto(f"{live_server.url}{workspace}")
    open_claim(second, analysing).get_by_role("button", name="Accept for checking").click()
    expect(status_of(second.locator(".claim-panel"))).to_have_text("Accepted")
    panel = stale.locator(".claim-panel")
    panel.get_by_role("button", name="Accept for checking").click()
    expect(panel.locator("#claim-facts-status .form-errors")).not_to_be_empty()
    expect(stale.locator("#article-body")).to_be_visible()
    check_page(stale)

    # A reviewer on the editor's review page: no approval offered, and none taken.
    panel = first.locator(".claim-panel")
    panel.get_by_label("Rating").select_option(label="Mostly true")
    panel.get_by_label("Reasoning").fill("The NIS told lawmakers over a million shells.")
    panel.get_by_role("button", name="Save draft verdict").click()
    panel.get_by_role("button", name="Submit verdict for review").click()
    expect(status_of(panel)).to_have_text("In review")
    goto(second, live_server, f"/articles/{article.pk}/claims/{rounds}/review/")
    expect(second.get_by_role("button", name="Approve and publish")).to_have_count(0)
    token = next(c["value"] for c in second.context.cookies() if c["name"] == "csrftoken")
    answer = second.request.post(
        f"{live_server.url}/articles/{article.pk}/claims/{rounds}/do/approve/",
        form={"override_reason": "I say so."},
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/"},
    )
    assert answer.status == 403
    assert Claim.objects.get(pk=rounds).status == ClaimStatus.IN_REVIEW
    for page in (first, second):
        page.context.close()


# The keyboard alone, and a phone --------------------------------------------------------


def test_a_reviewer_works_a_claim_with_the_keyboard_alone(
    browser: Browser, live_server, seed_article
):
    """j/k, Enter, Tab, Space and the desk's shortcuts: open a claim, take it, cite a
    library source, draft and submit a verdict; no mouse."""
    page = open_as(browser, live_server, "reviewer")
    page.goto(f"{live_server.url}{seed_article.get_absolute_url()}")
    check_page(page)
    rounds = claim_pk(seed_article, ROUNDS)
    while page.evaluate("document.activeElement.dataset.claim") != str(rounds):
        page.keyboard.press("j")
    page.keyboard.press("Enter")
    panel = page.locator(".claim-panel")
    expect(panel).to_have_attribute("data-claim", str(rounds))
    expect(page.locator("#claim-panel-heading")).to_be_focused()
    take = panel.get_by_role("button", name="Take this claim")
    for _ in range(20):
        if page.evaluate("document.activeElement.textContent.trim()") == "Take this claim":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(status_of(panel)).to_have_text("Researching")
    expect(take).to_have_count(0)
    check_page(page)

    page.keyboard.press("s")
    expect(page.locator("#add-source input[name=url]")).to_be_focused()
    page.keyboard.type("https://www.koreaherald.com/view.php?ud=20221102000778")
    page.keyboard.press("Tab")  # the library search
    page.keyboard.press("Tab")  # the title
    page.keyboard.press("Tab")  # the kind
    page.keyboard.press("Tab")  # the stances, none chosen yet: the first has focus
    page.keyboard.press("ArrowRight")  # refutes
    page.keyboard.press("ArrowRight")  # adds context
    expect(panel.get_by_label("Adds context")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("covertly supplying Russia with artillery shells")
    check_page(page)
    page.keyboard.press("Tab")  # the note
    page.keyboard.press("Tab")
    expect(panel.get_by_role("button", name="Cite source")).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.locator(".citation")).to_have_count(1)
    check_page(page)

    page.keyboard.press("v")
    expect(page.locator("#verdict-form select[name=rating]")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first rating
    page.keyboard.press("Tab")
    page.keyboard.type("The White House gave no figure; the NIS says a million.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(panel.locator("#claim-verdict-status")).to_contain_text("Verdict draft saved")
    submit = panel.get_by_role("button", name="Submit verdict for review")
    submit.focus()
    page.keyboard.press("Enter")
    expect(status_of(panel)).to_have_text("In review")
    check_page(page)
    page.context.close()


def test_a_long_article_arrives_in_windows(browser: Browser, live_server, desk):
    """An article of 300 claims: the list and the text come in windows; j past the last
    row loads the next window and goes on; scrolling to the end of the text loads the
    rest; words selected in a later window fill "Add a claim" with their place in the
    whole text."""
    from claims.windows import LIST_WINDOW_CLAIMS
    from tests.factories import article_with_claims

    article = article_with_claims(300)
    claims = list(Claim.objects.filter(article=article).order_by("start", "end", "pk"))
    page = open_as(browser, live_server, "reviewer")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    check_page(page)
    expect(page.locator(".claim-row")).to_have_count(LIST_WINDOW_CLAIMS)
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(LIST_WINDOW_CLAIMS + 2):
        page.keyboard.press("j")
    focused = claims[LIST_WINDOW_CLAIMS + 1].pk
    expect(page.locator(f'.claim-link[data-claim="{focused}"]')).to_be_focused()
    assert page.locator(".claim-row").count() > LIST_WINDOW_CLAIMS
    check_page(page)

    more = page.locator("#article-body .text-more")
    for _ in range(60):  # scroll to the end of the text until no window is left to load
        if not more.count():
            break
        page.evaluate(
            "() => { const links = document.querySelectorAll('#article-body .text-more');"
            " if (links.length) links[links.length - 1].scrollIntoView(); }"
        )
        page.wait_for_timeout(200)
    expect(more).to_have_count(0)
    text = page.locator("#article-body").evaluate(
        "body => [...body.querySelectorAll('.text-window')].map(w => w.textContent).join('')"
    )
    assert text == article.body
    last = claims[-1]
    page.locator(f"#mark-{last.pk}").evaluate(
        """mark => {
            const range = document.createRange();
            range.setStart(mark.firstChild, 0);
            range.setEnd(mark.firstChild, 15);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            mark.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }"""
    )
    form = page.locator("#add-claim-form")
    expect(form.locator("input[name=start]")).to_have_value(str(last.start))
    expect(form.locator("input[name=end]")).to_have_value(str(last.start + 15))
    page.context.close()


def test_an_editor_and_a_reader_on_a_phone(browser: Browser, live_server, seed_article):
    """At 390×844 the editor reviews and approves a submitted verdict, and a reader reads
    it: no page scrolls sideways, every page passes both checks."""
    from claims import editing, workflow
    from tests.factories import default_rating

    users = get_user_model().objects
    reviewer = users.get(username="reviewer")
    claim = Claim.objects.get(pk=claim_pk(seed_article, ROUNDS))
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("mostly-true"), reasoning="NIS.", version=None
    )
    workflow.submit_for_review(claim, by=reviewer)
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

    def fits(page: Page) -> None:
        check_page(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url

    editor = open_as(browser, live_server, "editor", **phone)
    fits(editor)
    editor.get_by_role("link", name=re.compile("My work")).click()
    fits(editor)
    editor.get_by_role("link", name=re.compile(ROUNDS)).click()
    fits(editor)
    editor.get_by_label("Approve despite unmet checks because").fill("One estimate, said so.")
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messages")).to_contain_text("published")
    fits(editor)
    editor.goto(f"{live_server.url}{claim.get_absolute_url()}")
    expect(editor.locator("#claim-panel-heading")).to_be_in_viewport()
    fits(editor)

    reader = browser.new_context(bypass_csp=True, **phone).new_page()
    for path in ("/fact-checks/", f"/fact-checks/{claim.pk}/", f"/reports/{seed_article.pk}/"):
        reader.goto(f"{live_server.url}{path}")
        fits(reader)
    editor.context.close()
    reader.context.close()
