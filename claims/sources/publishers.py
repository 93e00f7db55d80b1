"""Linking URLs to publishers by their web domains."""

from urllib.parse import urlsplit

from claims.models import Publisher, PublisherDomain


def domain_candidates(host: str) -> list[str]:
    """The host and each parent domain, longest first: a.b.example.com -> ..., example.com."""
    labels = host.lower().rstrip(".").split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] if len(labels) > 1 else []


def publisher_for_url(url: str) -> Publisher | None:
    """The publisher whose domain (or a parent of it) hosts url, the most specific first."""
    host = urlsplit(url).hostname or ""
    candidates = domain_candidates(host)
    if not candidates:
        return None
    domains = {
        entry.domain: entry.publisher
        for entry in PublisherDomain.objects.filter(domain__in=candidates).select_related(
            "publisher"
        )
    }
    return next((domains[c] for c in candidates if c in domains), None)
