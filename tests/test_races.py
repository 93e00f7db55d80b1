"""Two people doing the same thing at the same moment get a clear answer, never a 500.

Each action checks for an existing row, then inserts; a competitor can insert between the
two. On SQLite every write transaction runs alone, so the race is simulated: the check
misses a row that the database already holds (as if it ran just before the competitor
committed). On PostgreSQL the race is real: twenty threads, each with its own connection,
are lined up on a barrier just before their insert, so all of them have passed the check.
"""

import contextlib
import importlib
import threading
from collections import Counter
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from claims import editing
from claims.importing import import_article
from claims.models import Article, Citation, Claim, Source, Stance
from claims.sources.canonical import canonical_url
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, UserFactory

TEXT = (
    "Officials said on Thursday that 40 trucks crossed the border at dawn. "
    "The ministry reported that exports rose 12% in October."
)
WORDS = "40 trucks crossed the border"


@contextlib.contextmanager
def check_misses(model):
    """The first lookup of the model finds nothing: it ran before a competitor committed."""
    real = model.objects.filter
    calls = []

    def first_lookup_misses(*args, **kwargs):
        calls.append(kwargs)
        return model.objects.none() if len(calls) == 1 else real(*args, **kwargs)

    with mock.patch.object(model.objects, "filter", first_lookup_misses):
        yield calls
    assert calls, f"the {model.__name__} check was never made"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# The races, simulated (SQLite and PostgreSQL) ------------------------------------------


@pytest.mark.django_db
def test_importing_a_text_imported_meanwhile_returns_that_article(reviewer):
    """The text was imported by someone else after the check: theirs is the article."""
    first = import_article(body=TEXT, title="First")
    with check_misses(Article):
        again = import_article(body=TEXT, title="Second", by=reviewer)
    assert (again.article, again.created, again.claims_created) == (first.article, False, 0)
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_import_form_answers_the_loser_as_a_repeated_import(reviewer_client):
    """Over HTTP, the loser is sent to the article with the repeated-import message."""
    first = import_article(body=TEXT, title="First")
    with check_misses(Article):
        response = reviewer_client.post(
            reverse("claims:article_create"), {"title": "Again", "body": TEXT}
        )
    assert response.status_code == 302
    assert response["Location"] == first.article.get_absolute_url()
    assert messages_of(response) == ["This text was already imported; here it is."]


@pytest.mark.django_db
def test_adding_a_claim_added_meanwhile_is_refused(reviewer_client, reviewer):
    """A claim on the same words was added after the check: a 422 that says so."""
    article = ArticleFactory(body=TEXT)
    editing.add_claim(article, by=reviewer, quote=WORDS)
    with check_misses(Claim):
        response = reviewer_client.post(
            reverse("claims:claim_create", args=[article.pk]), {"quote": WORDS, "kind": "event"}
        )
    assert response.status_code == 422
    assert "A claim already covers exactly these words." in response.content.decode()
    assert article.claims.count() == 1


@pytest.mark.django_db
def test_citing_a_source_cited_meanwhile_is_refused(reviewer_client, reviewer):
    """The claim cited the same URL after the check: a 422 that says so, one citation."""
    claim = ClaimFactory()
    url = "https://news.example/trucks"
    source = editing.source_for_url(canonical_url(url), by=reviewer).source
    editing.cite_source(claim, by=reviewer, source=source, stance=Stance.SUPPORTS)
    version = Claim.objects.get(pk=claim.pk).version
    with check_misses(Citation):
        response = reviewer_client.post(
            reverse("claims:citation_create", args=[claim.article_id, claim.pk]),
            {"url": url, "stance": Stance.REFUTES},
        )
    assert response.status_code == 422
    assert "This claim already cites that source." in response.content.decode()
    assert list(claim.citations.values_list("stance", flat=True)) == [Stance.SUPPORTS]
    assert Claim.objects.get(pk=claim.pk).version == version


@pytest.mark.django_db
def test_a_source_added_meanwhile_is_reused(reviewer):
    """The URL entered the library after the check: the library's source is used."""
    existing = SourceFactory(url="https://news.example/trucks")
    with check_misses(Source):
        result = editing.source_for_url(
            canonical_url("https://news.example/trucks?utm_source=x"), by=reviewer
        )
    assert (result.source, result.created) == (existing, False)


@pytest.mark.django_db
def test_splitting_onto_another_claims_words_is_refused(reviewer_client):
    """A split whose part is exactly another claim's span is refused, nothing changes."""
    article = ArticleFactory(body=TEXT)
    whole = ClaimFactory(article=article, start=0, end=TEXT.index(" that"))
    tail = TEXT.index("on Thursday")
    ClaimFactory(article=article, start=tail, end=whole.end)
    response = reviewer_client.post(
        reverse("claims:claim_split", args=[article.pk, whole.pk]),
        {"version": whole.version, "at": tail},
    )
    assert response.status_code == 422
    assert "Another claim already covers exactly those words." in response.content.decode()
    assert article.claims.count() == 2
    assert Claim.objects.get(pk=whole.pk).end == whole.end


@pytest.mark.django_db
def test_merging_onto_another_claims_words_is_refused(reviewer_client):
    """A merge whose span is exactly another claim's is refused; both claims stay."""
    article = ArticleFactory(body=TEXT)
    first = ClaimFactory(article=article, start=0, end=9)
    second = ClaimFactory(article=article, start=10, end=20)
    ClaimFactory(article=article, start=0, end=20)
    response = reviewer_client.post(
        reverse("claims:claim_bulk", args=[article.pk]),
        {"claims": [first.pk, second.pk], "action": "merge"},
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Another claim already covers exactly those words."]
    assert article.claims.count() == 3


# The races, for real (PostgreSQL) ------------------------------------------------------

RACERS = 20
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time"
)


@contextlib.contextmanager
def lined_up_before_insert(model, parties: int):
    """Every save of the model waits until `parties` threads are about to insert."""
    barrier = threading.Barrier(parties, timeout=60)

    def wait(sender, instance, **kwargs):
        if instance.pk is None:
            barrier.wait()

    pre_save.connect(wait, sender=model, weak=False, dispatch_uid=f"race-{model.__name__}")
    try:
        yield
    finally:
        pre_save.disconnect(sender=model, dispatch_uid=f"race-{model.__name__}")


def race(clients, send) -> list:
    """Run send(client) in one thread per client at once; each result or the exception."""
    results = [None] * len(clients)

    def run(index):
        try:
            results[index] = send(clients[index])
        except Exception as error:  # a 500 shows up here as the exception
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def statuses(results) -> Counter:
    return Counter(
        type(result).__name__ if isinstance(result, Exception) else result.status_code
        for result in results
    )


@pytest.fixture
def racers(transactional_db):
    # An earlier transactional test's flush recreates the permissions under new ids, which
    # the roles restored by serialized_rollback no longer point at: set the roles again.
    from django.apps import apps

    importlib.import_module("claims.migrations.0004_roles").create_roles(apps, None)
    clients = []
    for number in range(RACERS):
        client = Client()
        client.force_login(UserFactory(username=f"racer{number}", roles=["Reviewer"]))
        clients.append(client)
    return clients


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_imports_of_one_text(racers):
    """One article; every importer is sent to it, 19 with the repeated-import message."""
    url = reverse("claims:article_create")
    with lined_up_before_insert(Article, RACERS):
        results = race(racers, lambda client: client.post(url, {"title": "T", "body": TEXT}))
    print("imports:", statuses(results))
    assert statuses(results) == {302: RACERS}
    article = Article.objects.get()
    assert {result["Location"] for result in results} == {article.get_absolute_url()}
    repeated = [messages_of(result) for result in results].count(
        ["This text was already imported; here it is."]
    )
    assert repeated == RACERS - 1
    assert article.claims.count() == import_article(body=TEXT, title="T").article.claims.count()


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_citations_of_one_url_on_one_claim(racers):
    """One source, one citation; the 19 others get a 422 saying the claim cites it.

    They are lined up before creating the source; the citations then queue on the claim's
    row lock (citing locks the claim), so the check before the insert settles them."""
    claim = ClaimFactory(article=ArticleFactory(body=TEXT))
    url = reverse("claims:citation_create", args=[claim.article_id, claim.pk])
    data = {"url": "https://news.example/trucks", "stance": Stance.SUPPORTS}
    with lined_up_before_insert(Source, RACERS):
        results = race(racers, lambda client: client.post(url, data))
    print("citations:", statuses(results))
    assert statuses(results) == {302: 1, 422: RACERS - 1}
    refused = [r for r in results if r.status_code == 422]
    assert all("This claim already cites that source." in r.content.decode() for r in refused)
    assert Source.objects.count() == 1
    assert Citation.objects.filter(claim=claim).count() == 1
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_claims_on_the_same_words(racers):
    """One claim; the 19 others get a 422 saying a claim covers these words."""
    article = ArticleFactory(body=TEXT)
    url = reverse("claims:claim_create", args=[article.pk])
    with lined_up_before_insert(Claim, RACERS):
        results = race(racers, lambda client: client.post(url, {"quote": WORDS, "kind": "event"}))
    print("claims:", statuses(results))
    assert statuses(results) == {302: 1, 422: RACERS - 1}
    refused = [r for r in results if r.status_code == 422]
    assert all("A claim already covers exactly these words." in r.content.decode() for r in refused)
    assert article.claims.get().quote == WORDS
