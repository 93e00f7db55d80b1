"""The evidence checklist an editor sees before approving a verdict (the publish gates).

Pure functions over a claim's citations (with their sources and publishers loaded) and
the verdict's reasoning: no queries here.
"""

from dataclasses import dataclass

from claims.models import Reliability, SourceKind

PRIMARY_KINDS = frozenset({SourceKind.PRIMARY, SourceKind.OFFICIAL, SourceKind.DATASET})
DOUBTFUL = frozenset({Reliability.UNRELIABLE, Reliability.DEPRECATED})


@dataclass(frozen=True)
class Check:
    name: str
    met: bool
    detail: str


def doubtful_publishers(citations) -> list:
    """Publishers of cited sources rated unreliable or deprecated, in citation order."""
    seen = {}
    for citation in citations:
        publisher = citation.source.publisher
        if publisher is not None and publisher.reliability in DOUBTFUL:
            seen.setdefault(publisher.pk, publisher)
    return list(seen.values())


def thin_evidence(citations) -> list[str]:
    """Warnings shown before a verdict is submitted: too few or too alike sources."""
    sources = {c.source_id for c in citations}
    publishers = {c.source.publisher_id for c in citations if c.source.publisher_id}
    if len(sources) < 2:
        return ["This verdict rests on a single source." if sources else "No source is cited."]
    if len(publishers) < 2:
        return ["All cited sources come from one publisher."]
    return []


def evidence_checklist(citations, reasoning: str) -> list[Check]:
    """The publish gates: two independent publishers, a primary source, no doubtful
    publisher unless the reasoning names and justifies it."""
    citations = list(citations)
    publishers = {c.source.publisher_id for c in citations if c.source.publisher_id}
    sources = {c.source_id for c in citations}
    primary = [c for c in citations if c.source.kind in PRIMARY_KINDS]
    doubtful = doubtful_publishers(citations)
    lowered = (reasoning or "").casefold()
    unjustified = [p for p in doubtful if p.name.casefold() not in lowered]
    return [
        Check(
            "two_publishers",
            len(sources) >= 2 and len(publishers) >= 2,
            f"{len(sources)} source(s) from {len(publishers)} publisher(s); "
            "at least two sources from different publishers are needed.",
        ),
        Check(
            "primary_source",
            bool(primary),
            f"{len(primary)} primary source(s) (primary document, official statement or "
            "dataset); at least one is needed.",
        ),
        Check(
            "no_doubtful_publisher",
            not unjustified,
            "No source from an unreliable or deprecated publisher."
            if not doubtful
            else (
                "Cites "
                + ", ".join(f"{p.name} ({p.get_reliability_display().lower()})" for p in doubtful)
                + (
                    "; the reasoning explains why."
                    if not unjustified
                    else "; name it in the reasoning and say why it can be relied on here."
                )
            ),
        ),
    ]


def unmet(checks: list[Check]) -> list[Check]:
    return [check for check in checks if not check.met]
