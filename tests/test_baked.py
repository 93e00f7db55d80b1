"""Baked queries (claims/baked.py): SQL compiled once, run with each request's ids, giving
what the ORM gives; a query whose SQL changes with something outside its key is refused."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.baked import BakedQuery, BakingError
from claims.models import Citation, Claim
from tests.factories import CitationFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def citations_of(*, claim_id):
    return (
        Citation.objects.filter(claim_id=claim_id)
        .select_related("source__publisher", "added_by")
        .defer("source__page_text")
    )


def described(citations):
    return [
        (
            c.pk,
            c.claim_id,
            c.source.title,
            getattr(c.source.publisher, "name", None),
            c.added_by.username,
        )
        for c in citations
    ]


@pytest.fixture
def two_claims():
    """Two claims with two citations each, by different people."""
    claims = [ClaimFactory(), ClaimFactory()]
    for claim in claims:
        for _ in range(2):
            CitationFactory(claim=claim, added_by=UserFactory())
    return claims


def test_gives_what_the_orm_gives_for_each_id(two_claims):
    baked = BakedQuery(citations_of)
    for claim in two_claims + two_claims:
        assert described(baked.fetch(claim_id=claim.pk)) == described(
            citations_of(claim_id=claim.pk)
        )
    assert baked.fetch(claim_id=max(c.pk for c in two_claims) + 1) == []


def test_one_query_with_related_rows_loaded_and_deferred_fields_deferred(two_claims):
    baked = BakedQuery(citations_of)
    baked.fetch(claim_id=two_claims[0].pk)  # compiled here
    with CaptureQueriesContext(connection) as queries:
        citations = baked.fetch(claim_id=two_claims[1].pk)
        described(citations)
    assert len(queries) == 1
    assert str(two_claims[1].pk) in queries[0]["sql"] or two_claims[1].pk in queries[0]["params"]
    assert citations[0].source.get_deferred_fields() == {"page_text"}


def test_keeps_annotations_and_the_queryset_order(two_claims):
    def claims(*, first, second):
        from django.db.models import F

        return (
            Claim.objects.filter(pk__in=[first, second])
            .annotate(doubled=F("start") * 2)
            .order_by("-pk")
        )

    baked = BakedQuery(claims)
    first, second = two_claims
    rows = baked.fetch(first=first.pk, second=second.pk)
    assert [(c.pk, c.doubled) for c in rows] == [(c.pk, c.start * 2) for c in (second, first)]


def test_the_shape_is_part_of_the_key(two_claims):
    def claims(with_author: bool, *, claim_id):
        rows = Citation.objects.filter(claim_id=claim_id)
        return rows.select_related("added_by") if with_author else rows.only("pk")

    baked = BakedQuery(claims)
    claim = two_claims[0]
    with CaptureQueriesContext(connection) as queries:
        plain = baked.fetch(False, claim_id=claim.pk)
        joined = baked.fetch(True, claim_id=claim.pk)
    assert "JOIN" not in queries[0]["sql"].upper()
    assert "JOIN" in queries[1]["sql"].upper()
    assert {c.pk for c in plain} == {c.pk for c in joined}


def test_sql_that_changes_outside_its_key_is_refused(two_claims):
    """A build that decides the SQL from an id's value (here, whether it is the second
    claim) bakes one shape; the check compiles afresh and refuses the other."""
    first, second = two_claims

    def wrong(*, claim_id):
        rows = Citation.objects.filter(claim_id=claim_id)
        return rows.filter(note="") if claim_id == second.pk else rows

    baked = BakedQuery(wrong)
    baked.fetch(claim_id=first.pk)
    with pytest.raises(BakingError, match="outside the shape"):
        baked.fetch(claim_id=second.pk)


def test_an_id_the_sql_does_not_use_is_refused(two_claims):
    baked = BakedQuery(lambda *, claim_id: Citation.objects.filter(claim_id=two_claims[0].pk))
    with pytest.raises(BakingError, match="not parameters"):
        baked.fetch(claim_id=two_claims[0].pk)


@pytest.mark.parametrize("bad", [1.0, None, True, b"1"])
def test_values_are_integers_or_text(bad):
    with pytest.raises(TypeError):
        BakedQuery(citations_of).fetch(claim_id=bad)


@pytest.mark.django_db(transaction=True)
def test_runs_on_each_threads_own_connection(two_claims):
    """Compiled in one thread, run in another: Django's connections are per thread, and
    the kept compiler must not carry the first thread's."""
    baked = BakedQuery(citations_of)
    first, second = two_claims
    expected = described(citations_of(claim_id=second.pk))
    baked.fetch(claim_id=first.pk)
    seen = {}

    def other_thread():
        from django.db import connections

        try:
            seen["rows"] = described(baked.fetch(claim_id=second.pk))
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(30)
    assert seen["rows"] == expected


def test_the_suite_checks_every_baked_query(settings):
    assert settings.BAKED_QUERIES_CHECK is True


def test_at_most_max_shapes_are_kept_the_least_recently_asked_forgotten(two_claims, monkeypatch):
    monkeypatch.setattr(BakedQuery, "MAX_SHAPES", 2)

    def limited(size, *, claim_id):
        return Citation.objects.filter(claim_id=claim_id)[:size]

    baked = BakedQuery(limited)
    claim = two_claims[0]
    for size in (1, 2, 1, 3):
        assert len(baked.fetch(size, claim_id=claim.pk)) == min(size, 2)
    assert [shape for (shape, _names) in baked._compiled] == [(1,), (3,)]
