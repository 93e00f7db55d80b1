"""The evidence checklist an editor sees before approving a verdict (the publish gates).

Pure functions over a claim's citations (with their sources and publishers loaded) and
the verdict's reasoning: no queries here.
"""

from dataclasses import dataclass

from claims.models import Reliability, SourceKind, Stance

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


# A source whose host no admin linked to a publisher counts for no publisher: what a
# page says about itself is never evidence of who published it.
UNKNOWN_PUBLISHER = "unknown publisher"
# Citations that weigh on the verdict must quote the words that matter.
NEEDS_EXCERPT = frozenset({Stance.SUPPORTS, Stance.REFUTES})


def unknown_publisher_sources(citations) -> set[int]:
    """The ids of cited sources filed under no publisher."""
    return {c.source_id for c in citations if c.source.publisher_id is None}


def without_excerpt(citations) -> list:
    """Citations that support or refute the claim without quoting an excerpt."""
    return [c for c in citations if c.stance in NEEDS_EXCERPT and not c.excerpt.strip()]


def thin_evidence(citations) -> list[str]:
    """Warnings shown before a verdict is submitted: too few or too alike sources,
    sources of unknown publishers, supporting or refuting citations without an excerpt."""
    citations = list(citations)
    sources = {c.source_id for c in citations}
    publishers = {c.source.publisher_id for c in citations if c.source.publisher_id}
    warnings = []
    if len(sources) < 2:
        warnings.append(
            "This verdict rests on a single source." if sources else "No source is cited."
        )
    elif len(publishers) < 2:
        warnings.append("All cited sources come from one publisher.")
    unknown = unknown_publisher_sources(citations)
    if unknown and sources:
        warnings.append(f"{len(unknown)} source(s) from an {UNKNOWN_PUBLISHER}.")
    bare = without_excerpt(citations)
    if bare:
        warnings.append(f"{len(bare)} supporting or refuting citation(s) without an excerpt.")
    return warnings


def evidence_checklist(citations, reasoning: str) -> list[Check]:
    """The publish gates: two independent publishers (a source of an unknown publisher
    counts for none), a primary source, no doubtful publisher unless the reasoning names
    and justifies it, an excerpt for every supporting or refuting citation."""
    citations = list(citations)
    publishers = {c.source.publisher_id for c in citations if c.source.publisher_id}
    sources = {c.source_id for c in citations}
    unknown = unknown_publisher_sources(citations)
    bare = without_excerpt(citations)
    primary = [c for c in citations if c.source.kind in PRIMARY_KINDS]
    doubtful = doubtful_publishers(citations)
    lowered = (reasoning or "").casefold()
    unjustified = [p for p in doubtful if p.name.casefold() not in lowered]
    return [
        Check(
            "two_publishers",
            len(sources) >= 2 and len(publishers) >= 2,
            f"{len(sources)} source(s) from {len(publishers)} publisher(s)"
            + (f" and {len(unknown)} from an {UNKNOWN_PUBLISHER}" if unknown else "")
            + "; at least two sources from different publishers are needed.",
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
        Check(
            "excerpts",
            not bare,
            "Every supporting or refuting citation quotes its excerpt."
            if not bare
            else f"{len(bare)} supporting or refuting citation(s) without an excerpt: "
            + ", ".join(c.source.display_title for c in bare)
            + ".",
        ),
    ]


def unmet(checks: list[Check]) -> list[Check]:
    return [check for check in checks if not check.met]
