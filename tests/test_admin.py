import pytest
from django.contrib import admin
from django.urls import reverse

from claims.models import Publisher
from tests.factories import CitationFactory, PublisherDomainFactory, PublisherFactory

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label == "claims"]

# The desk's single settings row; claims (anchored in the workspace) and verdicts (drafted
# in the claim panel, moved by the workflow) have no add page.
ADDED_ELSEWHERE = {"Desk", "Claim", "Verdict"}


def test_every_domain_model_is_registered():
    """Every model of the desk has an admin."""
    names = {model.__name__ for model in MODELS}
    assert {
        "Article",
        "Claim",
        "Publisher",
        "Source",
        "Citation",
        "RatingScale",
        "Verdict",
        "Comment",
    } <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_render(client, admin_user, model, django_assert_max_num_queries):
    """Each changelist (with search and filters), add page and change page renders for an admin."""
    CitationFactory()
    PublisherDomainFactory()
    client.force_login(admin_user)
    info = model._meta.app_label, model._meta.model_name
    with django_assert_max_num_queries(15):
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
    assert response.status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code == (403 if model.__name__ in ADDED_ELSEWHERE else 200)
    instance = model.objects.first()
    if instance is not None:
        url = reverse("admin:{}_{}_change".format(*info), args=[instance.pk])
        assert client.get(url).status_code == 200


def test_publisher_changelist_shows_domains_and_reliability(client, admin_user):
    """The publisher list shows domains and the reliability rating."""
    PublisherDomainFactory(domain="yna.co.kr", publisher__name="Yonhap")
    client.force_login(admin_user)
    html = client.get(reverse("admin:claims_publisher_changelist")).content.decode()
    assert "yna.co.kr" in html
    assert Publisher.objects.get().get_reliability_display() in html


def test_reviewers_cannot_reach_the_admin(reviewer_client):
    """A user who is not staff is sent to the admin login."""
    response = reviewer_client.get(reverse("admin:claims_source_changelist"))
    assert response.status_code == 302


def test_source_form_publisher_autocomplete_finds_a_publisher(client, admin_user):
    """The source form's publisher search answers (its annotated list keeps an order)."""
    PublisherFactory(name="US Department of State")
    PublisherFactory(name="Yonhap")
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "State", "app_label": "claims", "model_name": "source", "field_name": "publisher"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["US Department of State"]


def test_claim_changelist_lists_the_newest_claims_first(client, admin_user):
    """Newest first (the primary key's index), whatever the articles' dates."""
    from claims.models import Claim
    from tests.factories import article_with_claims

    older = article_with_claims(3)
    newer = article_with_claims(4)
    older.published_on, newer.published_on = "2026-12-01", "2020-01-01"
    older.save(update_fields=["published_on"])
    newer.save(update_fields=["published_on"])
    client.force_login(admin_user)
    response = client.get(reverse("admin:claims_claim_changelist"))
    listed = [claim.pk for claim in response.context["cl"].result_list]
    assert listed == list(Claim.objects.order_by("-pk").values_list("pk", flat=True))
