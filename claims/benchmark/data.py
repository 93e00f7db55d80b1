"""The benchmark's desk, built with bulk inserts in a minute or so.

Articles of 5, 50, 500 and 5,000 claims (one claim per sentence, as detection finds them
in wire copy), every workflow status among them, verdicts published on a share of them
(the public pages have something to show), claims researched by the benchmark's reviewer
(My work), 2,000 publishers and 100,000 library sources. Statements are drawn from one
small vocabulary, so "Checked before" finds many candidates in the other articles, as it
does on a desk that checks the same story for months.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from claims.anchoring import text_hash
from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimKind,
    ClaimStatus,
    Publisher,
    Rating,
    Source,
    Stance,
    Verdict,
    VerdictState,
)

CLAIMS_PER_ARTICLE = (5, 50, 500, 5_000)
SOURCES = 100_000
PUBLISHERS = 2_000
CONTEXT_CHARS = 32
USERNAME = "bench"
EDITOR_USERNAME = "bench-editor"
ADMIN_USERNAME = "bench-admin"

SPEAKERS = ["The ministry", "Officials", "The senator", "Analysts", "The agency", "Police"]
COUNTRIES = ["North Korea", "Russia", "Ukraine", "Israel", "South Korea", "Japan", "China"]
THINGS = ["artillery rounds", "rocket launchers", "drones", "tanks", "missiles", "troops"]
VERBS = ["sent", "delivered", "moved", "sold", "shipped", "deployed"]
TITLE_WORDS = [
    "report", "missile", "talks", "visit", "sanctions", "election", "budget", "deal",
    "summit", "trade", "energy", "border", "court", "vaccine", "inflation", "harvest",
    "rates",
]  # fmt: skip
# One source in a thousand has this word in its title: what a reviewer's search for a
# distinctive word finds (100 sources).
RARE_WORD = "ceasefire"
STATUSES = [
    ClaimStatus.DETECTED,
    ClaimStatus.DETECTED,
    ClaimStatus.ACCEPTED,
    ClaimStatus.RESEARCHING,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.PUBLISHED,
    ClaimStatus.DISMISSED,
]


@dataclass
class BenchData:
    """What the pages are measured on: an article per size, a claim of each, a published one."""

    articles: dict[int, int] = field(default_factory=dict)  # claims per article -> id
    claims: dict[int, int] = field(default_factory=dict)  # claims per article -> a claim's id
    published_claim: int = 0
    user_id: int = 0  # the reviewer the desk's pages are measured as
    admin_id: int = 0  # the admin the admin's pages are measured as


def sentence(rng: random.Random, n: int) -> tuple[str, str, str]:
    """One sentence of an article, its claimant and its statement."""
    speaker = rng.choice(SPEAKERS)
    statement = (
        f"{rng.choice(COUNTRIES)} {rng.choice(VERBS)} about {rng.randint(2, 900) * 1000:,} "
        f"{rng.choice(THINGS)} to {rng.choice(COUNTRIES)} in {rng.randint(2015, 2024)}"
    )
    return f"{speaker} said that {statement} (item {n}).", speaker, statement


def article_body(rng: random.Random, claims: int) -> tuple[str, list[tuple[int, int, str, str]]]:
    """A body of `claims` sentences in paragraphs of five, with each sentence's span."""
    parts: list[str] = []
    spans = []
    offset = 0
    for n in range(claims):
        text, speaker, statement = sentence(rng, n)
        spans.append((offset, offset + len(text), speaker, statement))
        separator = "\n\n" if n % 5 == 4 else " "
        parts.append(text + separator)
        offset += len(text) + len(separator)
    return "".join(parts).rstrip(), spans


def build(seed: int = 13) -> BenchData:
    """Write the benchmark's desk into the (empty, migrated) database."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, the same every run)
    data = BenchData()
    # The desk's roles as its people hold them: a reviewer and an editor by their groups
    # (every page reads their permissions), the library's admin a superuser (as `make
    # run`'s demo admin).
    users = get_user_model()
    reviewer = users.objects.create_user(USERNAME, "bench@example.org", None)
    reviewer.groups.add(Group.objects.get(name="Reviewer"))
    editor = users.objects.create_user(EDITOR_USERNAME, "editor@example.org", None)
    editor.groups.add(Group.objects.get(name="Editor"))
    admin = users.objects.create_superuser(ADMIN_USERNAME, "admin@example.org", None)
    admin.groups.add(Group.objects.get(name="Admin"))
    data.user_id, data.admin_id = reviewer.pk, admin.pk
    ratings = list(Rating.objects.default_scale())
    now = timezone.now()
    with transaction.atomic():
        publishers = Publisher.objects.bulk_create(
            Publisher(name=f"Publisher {n:04d}", homepage=f"https://news{n}.example/")
            for n in range(PUBLISHERS)
        )
        Source.objects.bulk_create(
            (
                Source(
                    url=f"https://news{n % PUBLISHERS}.example/{2015 + n % 10}/story-{n}",
                    title=(RARE_WORD.title() if n % 1_000 == 0 else rng.choice(TITLE_WORDS).title())
                    + f" {rng.choice(TITLE_WORDS)} in {rng.choice(COUNTRIES)}, part {n}",
                    publisher=publishers[n % PUBLISHERS],
                    published_on=now.date().replace(year=2015 + n % 10),
                )
                for n in range(SOURCES)
            ),
            batch_size=5_000,
        )
    sources = list(Source.objects.order_by("pk").values_list("pk", flat=True)[:500])
    for size in CLAIMS_PER_ARTICLE:
        with transaction.atomic():
            _article(rng, data, size, reviewer, editor, ratings, sources, now)
    # The planner's statistics and the indexes as a database in service has them: autovacuum
    # may not have come by yet after these bulk inserts, and until it does every search
    # through a GIN index (the library's trigrams, the claims' full text) also reads the
    # index's list of pending entries, 100,000 sources long (4.3 ms instead of 0.5 ms).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return data


def _article(rng, data, size, reviewer, editor, ratings, sources, now) -> None:
    body, spans = article_body(rng, size)
    article = Article.objects.create(
        title=f"Benchmark article of {size:,} claims", body=body, created_by=reviewer
    )
    anchor = text_hash(body)
    claims = []
    for n, (start, end, speaker, statement) in enumerate(spans):
        status = STATUSES[n % len(STATUSES)]
        claims.append(
            Claim(
                article=article,
                quote=body[start:end],
                start=start,
                end=end,
                prefix=body[max(0, start - CONTEXT_CHARS) : start],
                suffix=body[end : end + CONTEXT_CHARS],
                anchor_hash=anchor,
                statement=statement,
                claimant=speaker,
                kind=ClaimKind.STATISTIC,
                score=round(rng.random(), 3),
                status=status,
                dismissal_reason="Not checkable" if status == ClaimStatus.DISMISSED else "",
                # The benchmark's reviewer researches a few claims of each article (My
                # work); the editor the others.
                assignee=(reviewer if n < 70 else editor)
                if status == ClaimStatus.RESEARCHING
                else None,
            )
        )
    claims = Claim.objects.bulk_create(claims, batch_size=2_000)
    verdicts, citations = [], []
    for claim in claims:
        if claim.status in (ClaimStatus.PUBLISHED, ClaimStatus.IN_REVIEW):
            published = claim.status == ClaimStatus.PUBLISHED
            verdicts.append(
                Verdict(
                    claim=claim,
                    rating=rng.choice(ratings),
                    reasoning="Two independent reports give a different figure.",
                    author=reviewer if published else editor,
                    state=VerdictState.APPROVED if published else VerdictState.SUBMITTED,
                    approved_by=editor if published else None,
                    approved_at=now if published else None,
                    published_at=now if published else None,
                    submitted_at=now,
                )
            )
            for source in rng.sample(sources, 2):
                citations.append(
                    Citation(
                        claim=claim, source_id=source, stance=Stance.REFUTES, added_by=reviewer
                    )
                )
    Verdict.objects.bulk_create(verdicts, batch_size=2_000)
    Citation.objects.bulk_create(citations, batch_size=2_000)
    data.articles[size] = article.pk
    # The claim measured in the panel: one in research, with citations of its own.
    researching = next(c for c in claims if c.status == ClaimStatus.RESEARCHING)
    Citation.objects.bulk_create(
        Citation(claim=researching, source_id=source, stance=Stance.SUPPORTS, added_by=reviewer)
        for source in sources[:3]
    )
    data.claims[size] = researching.pk
    if size == CLAIMS_PER_ARTICLE[1]:
        data.published_claim = next(c.pk for c in claims if c.status == ClaimStatus.PUBLISHED)
