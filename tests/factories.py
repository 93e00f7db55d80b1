"""factory_boy factories for the desk's models."""

import re

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.anchoring import quote_selector, text_hash
from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimStatus,
    Publisher,
    PublisherDomain,
    Rating,
    Source,
    Stance,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@desk.invalid")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        """UserFactory(roles=["Reviewer"]) puts the user in those groups."""
        if create and extracted:
            user.groups.set(Group.objects.filter(name__in=extracted))


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"Publisher {n}")


class PublisherDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublisherDomain

    publisher = factory.SubFactory(PublisherFactory)
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example/report-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = factory.SubFactory(PublisherFactory)


def sentences_body(count: int) -> str:
    return " ".join(f"Sentence number {n} says 1{n}% of voters agreed." for n in range(count))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(lambda n: f"Article {n}: " + sentences_body(5))


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the first `length` characters of its article, or the given span."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = 10
    statement = factory.Sequence(lambda n: f"Statement {n}")
    status = ClaimStatus.ACCEPTED
    quote = factory.LazyAttribute(lambda claim: claim.article.body[claim.start : claim.end])
    prefix = factory.LazyAttribute(lambda c: quote_selector(c.article.body, c.start, c.end).prefix)
    suffix = factory.LazyAttribute(lambda c: quote_selector(c.article.body, c.start, c.end).suffix)
    anchor_hash = factory.LazyAttribute(lambda claim: text_hash(claim.article.body))


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Stance.SUPPORTS
    # A supporting citation quotes the words that matter (an evidence check asks for it).
    excerpt = factory.Sequence(lambda n: f"The words of source {n} that matter.")


def default_rating(slug: str = "true") -> Rating:
    return Rating.objects.get(scale__is_default=True, slug=slug)


def article_with_claims(count: int) -> Article:
    """An article whose body has `count` sentences, each covered by one claim."""
    body = sentences_body(count)
    article = ArticleFactory(body=body)
    position = 0
    claims = []
    for _ in range(count):
        end = body.index(".", position) + 1
        claim = Claim(article=article, statement=body[position:end], status=ClaimStatus.ACCEPTED)
        claim.anchor_to(body, position, end)
        claims.append(claim)
        position = end + 1
    Claim.objects.bulk_create(claims)
    return article


def listed_claims(response) -> list[int]:
    """The ids of the claims a workspace page (or its list) lists, in order."""
    return [int(pk) for pk in re.findall(r'id="claim-row-(\d+)"', response.content.decode())]
