"""Every write path of the app leaves a history record naming who changed what."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims import editing, workflow
from claims.importing import import_article
from claims.models import Citation, Claim, Publisher, PublisherDomain, Source, Verdict
from claims.sources.canonical import canonical_url
from claims.sources.library_csv import import_publishers
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    SourceFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db

BODY = "Seoul said Pyongyang sent one million shells to Moscow, and Hamas used its rockets."


def latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_id").first()


@pytest.fixture
def claim():
    return ClaimFactory(article=ArticleFactory(body=BODY), start=11, end=len(BODY) - 1)


def test_editing_a_claim_is_recorded(claim, reviewer):
    """An optimistic-locking edit records the change and the editor."""
    editing.edit_claim(claim, by=reviewer, version=1, statement="New", claimant="", kind="other")
    record = latest(Claim, claim.pk)
    assert (record.history_type, record.history_user, record.statement) == ("~", reviewer, "New")
    delta = record.diff_against(record.prev_record)
    assert "statement" in delta.changed_fields


def test_transitions_are_recorded(claim, reviewer):
    """A workflow transition records the status change and its actor."""
    workflow.take(claim, by=reviewer)
    record = latest(Claim, claim.pk)
    assert (record.status, record.history_user) == ("researching", reviewer)


def test_citations_are_recorded_when_added_and_removed(claim, reviewer):
    """Adding and removing a citation both leave records."""
    citation = editing.cite_source(claim, by=reviewer, source=SourceFactory(), stance="supports")
    citation_id = citation.pk
    editing.remove_citation(citation, by=reviewer)
    types = list(
        Citation.history.filter(id=citation_id)
        .order_by("history_id")
        .values_list("history_type", "history_user")
    )
    assert types == [("+", reviewer.pk), ("-", reviewer.pk)]


def test_sources_created_from_urls_are_recorded(reviewer):
    """A source created when a reviewer pastes a URL is recorded with its creator."""
    source = editing.source_for_url(canonical_url("https://news.example/x"), by=reviewer).source
    assert latest(Source, source.pk).history_user == reviewer


def test_verdict_drafts_are_recorded(claim, reviewer):
    """Saving a verdict draft is recorded."""
    verdict = editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating(), reasoning="R", version=None
    )
    assert latest(Verdict, verdict.pk).history_user == reviewer


def test_split_and_merge_are_recorded(claim, reviewer):
    """A split records both parts; a merge records the moved citation and the deletion."""
    first, second = editing.split_claim(
        claim, by=reviewer, version=1, at=claim.quote.index("and Hamas")
    )
    citation = CitationFactory(claim=second)
    assert latest(Claim, second.pk).history_type == "+"
    editing.merge_claims([first, second], by=reviewer)
    assert latest(Claim, second.pk).history_type == "-"
    moved = latest(Citation, citation.pk)
    assert (moved.claim_id, moved.history_user) == (first.pk, reviewer)


def test_imports_record_every_claim(reviewer):
    """Claims created in bulk by an import each have a creation record."""
    result = import_article(body=BODY, title="T", by=reviewer)
    claims = list(result.article.claims.all())
    assert claims
    assert Claim.history.count() == len(claims)
    for claim in claims:
        record = latest(Claim, claim.pk)
        assert (record.history_type, record.history_user) == ("+", reviewer)
        # The record is a copy of the claim as created, dated when it was created.
        assert record.history_date == claim.created_at
        assert (record.statement, record.claimant, record.signals, record.score) == (
            claim.statement,
            claim.claimant,
            claim.signals,
            claim.score,
        )
        assert (record.start, record.end, record.status) == (claim.start, claim.end, claim.status)


def test_management_commands_record_their_writes(tmp_path):
    """The demo loader and the import command leave records for what they create."""
    call_command("load_demo", "--no-accounts")
    assert Publisher.history.filter(history_type="+").count() == Publisher.objects.count()
    assert Source.history.filter(history_type="+").count() == Source.objects.count()
    assert Claim.history.filter(history_type="+").count() == Claim.objects.count()


def test_admin_edits_are_recorded(client, admin_user):
    """A change made in the admin is recorded with the admin as actor."""
    publisher = PublisherFactory(name="Yonhap")
    client.force_login(admin_user)
    url = reverse("admin:claims_publisher_change", args=[publisher.pk])
    response = client.post(
        url,
        {
            "name": "Yonhap News Agency",
            "homepage": "",
            "reliability": "reliable",
            "reliability_note": "Agency",
            "reliability_rated_on": "2026-11-01",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = latest(Publisher, publisher.pk)
    assert (record.name, record.history_user) == ("Yonhap News Agency", admin_user)
    history = client.get(reverse("admin:claims_publisher_history", args=[publisher.pk]))
    assert b"Yonhap News Agency" in history.content


def test_domain_changes_are_recorded_and_shown_on_the_publisher(client, admin_user):
    """Adding and removing a publisher's domain in the admin is recorded with the admin as
    actor, and the publisher's page lists those changes."""
    publisher = PublisherFactory(name="Yonhap")
    old = PublisherDomain.objects.create(publisher=publisher, domain="yonhapnews.co.kr")
    client.force_login(admin_user)
    url = reverse("admin:claims_publisher_change", args=[publisher.pk])
    response = client.post(
        url,
        {
            "name": "Yonhap",
            "homepage": "",
            "reliability": "unrated",
            "reliability_note": "",
            "reliability_rated_on": "",
            "domains-TOTAL_FORMS": "2",
            "domains-INITIAL_FORMS": "1",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
            "domains-0-id": str(old.pk),
            "domains-0-publisher": str(publisher.pk),
            "domains-0-domain": "yonhapnews.co.kr",
            "domains-0-DELETE": "on",
            "domains-1-publisher": str(publisher.pk),
            "domains-1-domain": "yna.co.kr",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    records = PublisherDomain.history.filter(publisher_id=publisher.pk).order_by("history_id")
    assert [(r.domain, r.history_type, r.history_user) for r in records] == [
        ("yonhapnews.co.kr", "+", None),
        ("yonhapnews.co.kr", "-", admin_user),
        ("yna.co.kr", "+", admin_user),
    ]
    page = client.get(url).content.decode()
    assert "yna.co.kr added by ada" in page
    assert "yonhapnews.co.kr removed by ada" in page


def test_domain_changes_by_csv_import_name_the_importer(admin_user):
    publisher = PublisherFactory(name="Reuters")
    PublisherDomain.objects.create(publisher=publisher, domain="reuters.co.uk")
    import_publishers(b"name,domains\nReuters,reuters.com\n", by=admin_user)
    records = PublisherDomain.history.filter(history_user=admin_user).order_by("history_id")
    assert [(r.domain, r.history_type) for r in records] == [
        ("reuters.co.uk", "-"),
        ("reuters.com", "+"),
    ]


def test_changing_a_rating_in_the_admin_dates_it(client, admin_user):
    """A reliability changed in the admin form without a date is dated today."""
    from django.utils import timezone

    publisher = PublisherFactory(name="KCNA")
    client.force_login(admin_user)
    client.post(
        reverse("admin:claims_publisher_change", args=[publisher.pk]),
        {
            "name": "KCNA",
            "homepage": "",
            "reliability": "deprecated",
            "reliability_note": "State media",
            "reliability_rated_on": "",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
        },
    )
    publisher.refresh_from_db()
    assert publisher.reliability == "deprecated"
    assert publisher.reliability_rated_on == timezone.localdate()
