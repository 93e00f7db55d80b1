"""Hostile input against every form and every page that reads parameters: never a 500.

Requests go over HTTP through Django's test client with CSRF enforced (the token comes
from a page the client loaded), as a reviewer, an editor, an admin and an anonymous
visitor. Hypothesis draws the endpoint, who sends it, and a value for each field: NUL and
other control characters, bidi overrides, huge strings, numbers where text goes and text
where numbers go, Unicode normalisation edge cases, SQL- and HTML-looking text, bodies in
the wrong charset, a missing or wrong CSRF token. As often, a field gets a plausible value
(a real claim id, the claim's current version, words of the article), so requests get past
the forms into the domain functions. Each request runs in a transaction that is rolled
back, so every example starts from the same desk. Each test prints how many requests it
sent and the statuses it saw.
"""

import copy
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import editing, workflow
from claims.importing import import_article
from claims.models import ClaimKind, ClaimStatus, Rating, Source, SourceKind, Stance, VerdictState
from claims.publishing.api import issue_token
from claims.sources.canonical import canonical_url
from tests.factories import CitationFactory, SourceFactory, UserFactory, default_rating

pytestmark = pytest.mark.django_db

TEXT = (
    "Seoul said on Thursday that North Korea sent about one million artillery rounds to "
    "Russia since August. Officials reported that 40 trucks crossed the border at dawn. "
    "The ministry said exports rose 12% in October, the highest rise in five years. "
    "Blinken told reporters that the alliance would respond firmly.\n\n"
    "Analysts estimated that 3,000 containers were shipped by rail in 2023."
)

# Text a hostile client sends: each is known to have broken some web application.
SNIPPETS = [
    "\x00",
    "a\x00b",
    "\x01\x02\x7f",
    "\x1b[31mred",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "\u200b\u200d\ufeff",
    "\ufffe\uffff",
    "\U0001f4a9",
    "e\u0301",
    "\ufb01",
    "\u212b",
    "İı",
    "ß",
    "\u0000\u0085\u2028\u2029",
    "' OR '1'='1",
    "1; DROP TABLE claims_claim;--",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    "%s%n%x",
    "../../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e308",
    "NaN",
    "0x1f",
    "١٢٣",
    "²",
    "   ",
    "\r\n",
    "",
]

HUGE = [1_001, 5_001, 20_001, 60_000]


def mostly(usual: st.SearchStrategy, rare: st.SearchStrategy, *, rare_in_ten: int = 1):
    """`usual`, except `rare_in_ten` times in ten."""
    return st.integers(0, 9).flatmap(lambda roll: rare if roll < rare_in_ten else usual)


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SNIPPETS),
        st.text(max_size=40),
        st.lists(st.sampled_from(SNIPPETS) | st.text(max_size=8), max_size=6).map("".join),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.builds(
            lambda unit, times: unit * times,
            st.sampled_from(["a", "é", "\U0001f4a9", "<b>", "\u202e", "1"]),
            st.sampled_from(HUGE),
        ),
    )


URLS = [
    "https://news.example/trucks",
    "http://news.example/trucks?utm_source=x&id=1#top",
    "HTTPS://NEWS.EXAMPLE:443/a/../trucks",
    "https://user:secret@news.example/",
    "https://127.0.0.1/admin",
    "http://[::1]:8000/",
    "http://169.254.169.254/latest/meta-data/",
    "https://例え.テスト/パス?q=ü",
    "https://xn--e1afmkfd.xn--p1ai/",
    "file:///etc/passwd",
    "ftp://news.example/x",
    "//news.example/x",
    "data:text/html,<script>alert(1)</script>",
    "https://" + "a" * 2_100 + ".example/",
    "https://news.example/%00",
]
DATES = ["2023-11-09", "2023-02-30", "0000-00-00", "9999-12-31", "2023-11-09T25:61", "tomorrow"]
MOMENTS = ["2023-11-09T10:00:00Z", "2023-11-09T10:00:00+14:00", "1900-01-01", "2023-13-01T00:00"]


@dataclass
class World:
    """The desk the requests are sent to, and one logged-in client per role."""

    article_id: int
    body: str
    claims: dict[str, int]
    versions: dict[str, int]
    source_ids: list[int]
    citation_ids: list[int]
    rating_ids: list[int]
    user_ids: list[int]
    usernames: list[str]
    token: str
    clients: dict[str, Client] = field(default_factory=dict)

    def ids(self, kind: str) -> st.SearchStrategy[str]:
        known = {
            "claim": list(self.claims.values()),
            "source": self.source_ids,
            "citation": self.citation_ids,
            "rating": self.rating_ids,
            "user": self.user_ids,
        }[kind]
        return mostly(st.sampled_from(known).map(str), st.sampled_from(["0", "999999"]))


def well_sourced(claim) -> None:
    CitationFactory(claim=claim, source=SourceFactory(kind=SourceKind.PRIMARY))
    CitationFactory(claim=claim, source=SourceFactory())


@pytest.fixture
def world(db) -> World:
    reviewer = UserFactory(username="rita", roles=["Reviewer"])
    editor = UserFactory(username="edna", roles=["Editor"])
    admin = UserFactory(username="ada", roles=["Admin"], is_staff=True, is_superuser=True)
    article = import_article(body=TEXT, title="Hostile desk", by=reviewer).article
    claims = list(article.claims.order_by("start"))
    assert len(claims) >= 4, "the article must propose four claims"
    named = dict(zip(["open", "review", "published", "detected"], claims, strict=False))
    for name in ("open", "review", "published"):
        claim = named[name]
        if claim.status == ClaimStatus.DETECTED:
            workflow.accept(claim, by=reviewer)
        workflow.take(claim, by=reviewer)
        source = editing.source_for_url(
            canonical_url(f"https://news.example/{name}"), by=reviewer
        ).source
        editing.cite_source(
            claim, by=reviewer, source=source, stance=Stance.SUPPORTS, excerpt="Seoul says so."
        )
        editing.save_verdict_draft(
            claim, by=reviewer, rating=default_rating(), reasoning="Seoul says so.", version=None
        )
    for name in ("review", "published"):
        well_sourced(named[name])
        workflow.submit_for_review(named[name], by=reviewer)
    workflow.approve(named["published"], by=editor)
    for claim in named.values():
        claim.refresh_from_db()
    desk = World(
        article_id=article.pk,
        body=article.body,
        claims={name: claim.pk for name, claim in named.items()},
        versions={name: claim.version for name, claim in named.items()},
        source_ids=list(Source.objects.values_list("pk", flat=True)),
        citation_ids=list(named["open"].citations.values_list("pk", flat=True)),
        rating_ids=list(Rating.objects.values_list("pk", flat=True)),
        user_ids=[reviewer.pk, editor.pk, admin.pk],
        usernames=["rita", "edna", "ada"],
        token=issue_token(reviewer),
    )
    for role, user in [
        ("reviewer", reviewer),
        ("editor", editor),
        ("admin", admin),
        ("anon", None),
    ]:
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        client.get("/login/")  # a real page hands out the CSRF token
        assert "csrftoken" in client.cookies
        desk.clients[role] = client
    return desk


# Field values ------------------------------------------------------------------------


def field_value(world: World, kind: str) -> st.SearchStrategy:
    """A value for a field of this kind: plausible or hostile, about as often."""
    plausible = {
        "text": st.sampled_from(["Seoul says so.", "Blinken", "A note", "x"]),
        "quote": st.tuples(st.integers(0, len(world.body)), st.integers(1, 80)).map(
            lambda place: world.body[place[0] : place[0] + place[1]]
        ),
        "offset": st.integers(0, len(world.body) + 2).map(str),
        "version": st.sampled_from(sorted({*world.versions.values(), 1, 2})).map(str),
        "url": st.sampled_from(URLS),
        "date": st.sampled_from(DATES),
        "moment": st.sampled_from(MOMENTS),
        "page": st.sampled_from(["1", "2", "0", "-1", "1.5", "99999999999999999999"]),
        "kind": st.sampled_from(ClaimKind.values),
        "status": st.sampled_from(ClaimStatus.values),
        "state": st.sampled_from(VerdictState.values),
        "stance": st.sampled_from(Stance.values),
        "source_kind": st.sampled_from(SourceKind.values),
        "action": st.sampled_from(["accept", "dismiss", "merge"]),
        "verdict": st.sampled_from(["none", "true", "false", "misleading"]),
        "assignee": st.sampled_from(["me", "none"]),
        "username": st.sampled_from(world.usernames),
        "password": st.sampled_from(["a-long-test-password", "wrong"]),
        "next": st.sampled_from(["/", "//evil.example/", "https://evil.example/", "/admin/"]),
        "from": st.just("review"),
        "claim": world.ids("claim"),
        "source": world.ids("source"),
        "rating": world.ids("rating"),
        "user": world.ids("user"),
        "claims": st.lists(world.ids("claim"), min_size=1, max_size=4),
        "article_file": article_files(),
        "csv_sources": csv_files("url,title,publisher,author,published_on,kind,summary"),
        "csv_publishers": csv_files("name,domains,reliability,reliability_note,homepage"),
    }[kind]
    if kind.endswith(("_file", "csv_sources", "csv_publishers")):
        return plausible
    hostile = st.lists(hostile_text(), max_size=3) if kind == "claims" else hostile_text()
    # Mostly plausible, so that most requests get past the forms to the domain functions.
    return mostly(plausible, hostile, rare_in_ten=3)


def article_files() -> st.SearchStrategy[SimpleUploadedFile]:
    content = st.one_of(
        st.binary(max_size=200),
        st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]).flatmap(
            lambda codec: hostile_text().map(lambda text: text.encode(codec, "replace"))
        ),
        st.just(TEXT.encode()),
        st.just(b"%PDF-1.7\n\x00\x01\x02"),
    )
    return content.map(lambda data: SimpleUploadedFile("article.txt", data))


def csv_files(header: str) -> st.SearchStrategy[SimpleUploadedFile]:
    cell = st.one_of(hostile_text(), st.sampled_from(URLS + DATES + ["news", "Reuters"]))
    row = st.lists(cell, min_size=1, max_size=9).map(
        lambda cells: ",".join('"' + c.replace('"', '""') + '"' for c in cells)
    )
    text = st.lists(row, max_size=5).map(lambda rows: "\n".join([header, *rows]) + "\n")
    content = st.one_of(
        text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        text.map(lambda t: t.encode("utf-16", "surrogatepass")),
        st.binary(max_size=300),
        st.just(b'url,title\n"unterminated,quote\n'),
    )
    return content.map(lambda data: SimpleUploadedFile("library.csv", data))


# Endpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """A URL (with {article}, {claim}, ... filled from the world) and the fields it reads."""

    method: str
    path: str
    fields: dict[str, str]
    roles: tuple[str, ...] = ("reviewer", "editor", "admin", "anon")


CLAIM = "/articles/{article}/claims/{claim}/"
TRANSITIONS = [
    "accept",
    "dismiss",
    "assign_self",
    "assign",
    "release",
    "submit",
    "cross_check",
    "approve",
    "send_back",
    "correct",
    "no-such-step",
]
TRANSITION_FIELDS = {
    "reason": "text",
    "version": "version",
    "assignee": "user",
    "rating": "rating",
    "override_reason": "text",
    "note": "text",
    "reasoning": "text",
    "from": "from",
}

WORKSPACE = [
    Endpoint("GET", "/", {}),
    Endpoint("GET", "/my-work/", {}),
    Endpoint(
        "POST",
        "/articles/new/",
        {
            "title": "text",
            "url": "url",
            "author": "text",
            "published_on": "date",
            "body": "quote",
            "upload": "article_file",
        },
    ),
    Endpoint(
        "GET",
        "/articles/{article}/",
        {
            "q": "text",
            "status": "status",
            "kind": "kind",
            "verdict": "verdict",
            "assignee": "assignee",
        },
    ),
    Endpoint(
        "POST",
        "/articles/{article}/claims/new/",
        {
            "quote": "quote",
            "start": "offset",
            "end": "offset",
            "statement": "text",
            "claimant": "text",
            "kind": "kind",
        },
    ),
    Endpoint(
        "POST",
        "/articles/{article}/claims/bulk/",
        {"claims": "claims", "action": "action", "reason": "text"},
    ),
    Endpoint("GET", CLAIM, {}),
    Endpoint(
        "POST",
        CLAIM + "edit/",
        {"statement": "text", "claimant": "text", "kind": "kind", "version": "version"},
    ),
    Endpoint("POST", CLAIM + "split/", {"version": "version", "at": "offset"}),
    Endpoint(
        "POST",
        CLAIM + "citations/",
        {
            "url": "url",
            "source": "source",
            "title": "text",
            "stance": "stance",
            "excerpt": "text",
            "note": "text",
        },
    ),
    Endpoint("POST", CLAIM + "citations/{citation}/delete/", {}),
    Endpoint("GET", CLAIM + "sources/", {"source_q": "text"}),
    Endpoint("POST", CLAIM + "sources/{source}/refresh/", {}),
    Endpoint(
        "POST", CLAIM + "verdict/", {"rating": "rating", "reasoning": "text", "version": "version"}
    ),
    Endpoint("POST", CLAIM + "comments/", {"body": "text"}),
]
WORKFLOW = [
    Endpoint("GET", CLAIM + "review/", {}),
    *[Endpoint("POST", CLAIM + f"do/{step}/", TRANSITION_FIELDS) for step in TRANSITIONS],
]
PUBLIC = [
    Endpoint("GET", "/fact-checks/", {"page": "page"}),
    Endpoint("GET", "/fact-checks/{claim}/", {}),
    Endpoint("GET", "/fact-checks/feed.atom", {}),
    Endpoint("GET", "/fact-checks/claimreview.json", {"page": "page"}),
    Endpoint("GET", "/reports/{article}/", {}),
    Endpoint("GET", "/methodology/", {}),
    Endpoint("GET", "/exports/articles/{article}.csv", {}),
    Endpoint("GET", "/exports/articles/{article}.json", {}),
    Endpoint(
        "GET",
        "/api/articles",
        {
            "published_after": "date",
            "published_before": "date",
            "updated_after": "moment",
            "page": "page",
            "page_size": "page",
        },
    ),
    Endpoint("GET", "/api/articles/{article}", {}),
    Endpoint(
        "GET",
        "/api/claims",
        {
            "status": "status",
            "article": "claim",
            "kind": "kind",
            "published_after": "moment",
            "updated_before": "moment",
            "page": "page",
        },
    ),
    Endpoint("GET", "/api/claims/{claim}", {}),
    Endpoint(
        "GET",
        "/api/verdicts",
        {"state": "state", "claim": "claim", "published_before": "moment", "page": "page"},
    ),
    Endpoint(
        "GET",
        "/api/sources",
        {"kind": "source_kind", "published_after": "date", "page_size": "page"},
    ),
]
ACCOUNTS_AND_ADMIN = [
    Endpoint("GET", "/login/", {"next": "next"}),
    Endpoint("POST", "/login/", {"username": "username", "password": "password", "next": "next"}),
    Endpoint("POST", "/logout/", {}),
    Endpoint("POST", "/admin/claims/source/import-csv/", {"file": "csv_sources"}),
    Endpoint("POST", "/admin/claims/publisher/import-csv/", {"file": "csv_publishers"}),
    Endpoint("GET", "/admin/claims/source/import-csv/{junk}/", {}),
    Endpoint("GET", "/admin/claims/source/", {"q": "text", "kind": "source_kind", "o": "page"}),
    Endpoint("GET", "/admin/claims/claim/", {"q": "text", "status": "status", "p": "page"}),
]

# How a POST body is sent: the test client's multipart, urlencoded UTF-8, or urlencoded
# text in another charset, declared or not.
ENCODINGS = [
    *[("multipart", None)] * 3,
    *[("utf-8", "application/x-www-form-urlencoded")] * 3,
    ("utf-16", "application/x-www-form-urlencoded; charset=utf-16"),
    ("latin-1", "application/x-www-form-urlencoded; charset=latin-1"),
    ("latin-1", "application/x-www-form-urlencoded"),
    ("shift_jis", "application/x-www-form-urlencoded; charset=bogus"),
    ("utf-8", "multipart/form-data; boundary=nothing-here"),
]
# Whether the CSRF token goes in a field, a header, not at all, or wrong.
TOKENS = ["field"] * 6 + ["header"] * 2 + ["none", "wrong"]


@dataclass(frozen=True)
class Plan:
    role: str
    method: str
    path: str
    data: dict
    encoding: tuple[str, str | None]
    token: str
    htmx: bool
    bearer: str | None


@st.composite
def plans(draw, world: World, endpoints: list[Endpoint]) -> Plan:
    endpoint = draw(st.sampled_from(endpoints))
    names = {"claim": "claim", "source": "source", "citation": "citation"}
    path = endpoint.path.format(
        article=draw(mostly(st.just(str(world.article_id)), st.just("999999"))),
        junk=urllib.parse.quote(draw(hostile_text()) or "x", safe=""),
        **{key: draw(world.ids(kind)) for key, kind in names.items()},
    )
    data = {}
    for name, kind in endpoint.fields.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing field
        data[name] = draw(field_value(world, kind))
    if draw(st.integers(0, 9)) == 0:
        data[draw(hostile_text())] = draw(hostile_text())  # a field nobody asked for
    return Plan(
        role=draw(st.sampled_from(endpoint.roles)),
        method=endpoint.method,
        path=path,
        data=data,
        encoding=draw(st.sampled_from(ENCODINGS)),
        token=draw(st.sampled_from(TOKENS)),
        htmx=draw(st.booleans()),
        bearer=draw(mostly(st.sampled_from([None, world.token]), hostile_text(), rare_in_ten=2)),
    )


def send(world: World, plan: Plan):
    client = world.clients[plan.role]
    headers = {"HTTP_HX_REQUEST": "true"} if plan.htmx else {}
    if plan.path.startswith("/api/") and plan.bearer is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {plan.bearer}"
    if plan.method == "GET":
        return client.get(plan.path, plan.data, **headers)
    data = dict(plan.data)
    token = client.cookies["csrftoken"].value
    if plan.token == "field":
        data["csrfmiddlewaretoken"] = token
    elif plan.token == "header":
        headers["HTTP_X_CSRFTOKEN"] = token
    elif plan.token == "wrong":
        data["csrfmiddlewaretoken"] = "x" * 64
    codec, content_type = plan.encoding
    if codec == "multipart":
        return client.post(plan.path, data, **headers)
    texts = {
        key: value.name if isinstance(value, SimpleUploadedFile) else value
        for key, value in data.items()
    }
    body = urllib.parse.urlencode(texts, doseq=True).encode(codec, "replace")
    return client.generic("POST", plan.path, body, content_type=content_type, **headers)


# The suite ---------------------------------------------------------------------------

FIGURES: dict[str, Counter] = {}


def run_suite(world: World, endpoints: list[Endpoint], name: str, examples: int, capsys):
    statuses = FIGURES.setdefault(name, Counter())

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def one_request(data):
        plan = data.draw(plans(world, endpoints))
        client = world.clients[plan.role]
        cookies = copy.deepcopy(client.cookies)
        try:
            with transaction.atomic():
                response = send(world, plan)
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies  # a log-out or log-in in this example is undone too
        statuses[response.status_code] += 1
        assert response.status_code < 500, plan

    one_request()
    with capsys.disabled():
        figures = ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))
        print(f"\nhostile {name}: {statuses.total()} requests; statuses {figures}")
    assert statuses.total() >= examples // 2


def test_workspace_forms_and_pages_never_answer_500(world, capsys):
    run_suite(world, WORKSPACE, "workspace", 200, capsys)


def test_workflow_steps_never_answer_500(world, capsys):
    run_suite(world, WORKFLOW, "workflow", 120, capsys)


def test_public_pages_feeds_and_api_never_answer_500(world, capsys):
    run_suite(world, PUBLIC, "public and API", 120, capsys)


def test_login_and_admin_import_never_answer_500(world, capsys):
    run_suite(world, ACCOUNTS_AND_ADMIN, "login and admin", 80, capsys)
