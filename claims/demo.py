"""The demo desk that `make run` loads: the seed article, its source library, demo accounts.

Everything here is idempotent: loading twice changes nothing. No citations or verdicts are
created: those are the reviewers' work, and the demo must not pretend a verdict was reached.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from claims.importing import ImportResult, import_article
from claims.models import Publisher, PublisherDomain, Reliability, Source, SourceKind
from claims.sources.canonical import canonical_url

SEED_ARTICLE = Path(__file__).parent / "fixtures" / "seed-article.txt"
SEED_TITLE = (
    "Blinken in Seoul: US watching Russia's support for North Korea 'closely and carefully'"
)
SEED_PUBLISHED_ON = datetime.date(2023, 11, 9)
RATED_ON = datetime.date(2026, 11, 1)

# name, domains, reliability, rationale
PUBLISHERS = [
    (
        "Yonhap",
        ["yna.co.kr"],
        Reliability.RELIABLE,
        "South Korea's national news agency; widely republished by other outlets.",
    ),
    (
        "The Chosun Ilbo",
        ["chosun.com"],
        Reliability.RELIABLE,
        "Major South Korean daily; conservative editorial line, factual reporting reliable.",
    ),
    (
        "The Korea Herald",
        ["koreaherald.com"],
        Reliability.RELIABLE,
        "English-language South Korean daily; often carries Yonhap copy.",
    ),
    (
        "KBS World",
        ["world.kbs.co.kr"],
        Reliability.RELIABLE,
        "International service of South Korea's public broadcaster.",
    ),
    ("UPI", ["upi.com"], Reliability.RELIABLE, "US international news agency."),
    ("Associated Press", ["apnews.com"], Reliability.RELIABLE, "International news agency."),
    ("Reuters", ["reuters.com"], Reliability.RELIABLE, "International news agency."),
    (
        "US Department of State",
        ["state.gov"],
        Reliability.RELIABLE,
        "Primary source for what the US government says (transcripts, statements); "
        "not independent evidence for the facts it asserts.",
    ),
    (
        "Korean Central News Agency",
        ["kcna.kp"],
        Reliability.DEPRECATED,
        "North Korean state media: a primary source for what Pyongyang says, never for facts.",
    ),
    (
        "Korea News Gazette",
        ["koreanewsgazette.com"],
        Reliability.MIXED,
        "Republishes Yonhap text; cite the Yonhap original where it can be found.",
    ),
]

# publisher, date, url, title, kind, summary
SOURCES = [
    (
        "The Chosun Ilbo",
        datetime.date(2023, 11, 2),
        "https://english.chosun.com/site/data/html_dir/2023/11/02/2023110201083.html",
        "N.Korea has sent over a million artillery shells to Russia, NIS tells lawmakers",
        SourceKind.NEWS,
        "South Korea's National Intelligence Service told lawmakers in a closed briefing that "
        "North Korea has sent more than a million artillery shells to Russia since August "
        "(relayed by lawmaker Yoo Sang-bum).",
    ),
    (
        "The Korea Herald",
        datetime.date(2023, 11, 9),
        "https://www.koreaherald.com/view.php?ud=20231109000137",
        "Blinken, Park Jin hold talks in Seoul amid N. Korea-Russia military cooperation concerns",
        SourceKind.NEWS,
        "Blinken and Park Jin hold talks in Seoul amid concerns over North Korea–Russia "
        "military cooperation (Yonhap).",
    ),
    (
        "KBS World",
        datetime.date(2023, 11, 9),
        "https://world.kbs.co.kr/service/news_view.htm?lang=e&Seq_Code=181656",
        "Blinken, Park hold joint press availability in Seoul",
        SourceKind.NEWS,
        "Quotes from the joint press availability: Park calls the cooperation a clear violation "
        "of UN Security Council resolutions; Blinken voices concern about support for ballistic "
        "missile, nuclear and space launch programmes.",
    ),
    (
        "UPI",
        datetime.date(2023, 10, 17),
        "https://www.upi.com/Top_News/World-News/2023/10/17/Hamas-North-Korea-weapons-training-"
        "surprise-attack-JCS-Joint-Chiefs/2211697529318/",
        "Hamas used North Korean weapons in attack on Israel, South Korea's JCS says",
        SourceKind.NEWS,
        "A South Korean Joint Chiefs of Staff official says Hamas fighters used F-7 "
        'rocket-propelled grenade launchers, "another name for the North\'s RPG-7 launcher".',
    ),
    (
        "Korea News Gazette",
        datetime.date(2023, 10, 17),
        "https://www.koreanewsgazette.com/n-korea-appears-to-be-linked-to-hamas-in-arms-trade-"
        "other-military-areas-jcs/",
        "N. Korea appears to be linked to Hamas in arms trade, other military areas: JCS",
        SourceKind.NEWS,
        "North Korea appears to be linked to Hamas in arms trade, says the JCS (Yonhap text).",
    ),
    (
        "KBS World",
        datetime.date(2024, 1, 9),
        "https://world.kbs.co.kr/service/news_view.htm?lang=e&Seq_Code=182938",
        "NIS confirms North Korean markings on F-7 fuse used by Hamas",
        SourceKind.NEWS,
        "The NIS confirms a photo of an F-7 fuse with Korean markings used by Hamas.",
    ),
    (
        "The Korea Herald",
        datetime.date(2022, 11, 2),
        "https://www.koreaherald.com/view.php?ud=20221102000778",
        "N. Korea covertly supplying Russia with artillery shells: White House",
        SourceKind.NEWS,
        "The White House says North Korea is covertly supplying Russia with a significant "
        "number of artillery shells (no figure given).",
    ),
]

DEMO_ACCOUNTS = [
    # username, password, role (group), is_staff, is_superuser
    ("reviewer", "demo-reviewer-2023", "Reviewer", False, False),
    ("editor", "demo-editor-2023", "Editor", False, False),
    ("admin", "demo-admin-2023", "Admin", True, True),
]


@transaction.atomic
def load_demo_library() -> None:
    """Create the demo publishers (with domains and ratings) and sources, once."""
    publishers = {}
    for name, domains, reliability, rationale in PUBLISHERS:
        publisher, _ = Publisher.objects.get_or_create(
            name=name,
            defaults={
                "reliability": reliability,
                "reliability_note": rationale,
                "reliability_rated_on": RATED_ON,
            },
        )
        publishers[name] = publisher
        for domain in domains:
            PublisherDomain.objects.get_or_create(domain=domain, defaults={"publisher": publisher})
    for publisher, published_on, url, title, kind, summary in SOURCES:
        Source.objects.get_or_create(
            url=canonical_url(url),
            defaults={
                "title": title,
                "publisher": publishers[publisher],
                "published_on": published_on,
                "kind": kind,
                "summary": summary,
            },
        )


def load_seed_article() -> ImportResult:
    return import_article(
        body=SEED_ARTICLE.read_text(encoding="utf-8"),
        title=SEED_TITLE,
        published_on=SEED_PUBLISHED_ON,
    )


def create_demo_accounts() -> list[str]:
    """Create the local-only demo accounts; returns the usernames created now."""
    User = get_user_model()
    created = []
    for username, password, role, is_staff, is_superuser in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "email": f"{username}@desk.invalid",
            },
        )
        if was_created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            created.append(username)
    return created
