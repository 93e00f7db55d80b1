"""The reviewer's edits to claims: text, splits and merges, citations, verdict drafts, comments.

Every function checks that `by` may make the edit (the predicates of claims/permissions.py,
asked on the locked row; NotAllowed otherwise, which views answer with 403). It takes the
version the user's form was based on where a lost update is possible, locks the row, and
raises EditConflict (carrying the current row) when someone else saved in between:
nothing typed is silently overwritten. Bad input raises EditRefused. Every write goes
through `save()`/`delete()` so that django-simple-history records it, naming `by`.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from claims.anchoring import SpanError, TextQuoteSelector, find_anchor, utf16_to_code_points
from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    Comment,
    Rating,
    Source,
    SourceKind,
    Stance,
    Verdict,
    VerdictState,
)
from claims.permissions import (
    REVIEW_STATUSES,
    can_add_claim,
    can_comment,
    can_edit_claim,
    require,
)
from claims.sources.canonical import CanonicalURL
from claims.sources.library import check_excerpt
from claims.sources.publishers import publisher_for_url
from claims.sources.tasks import queue_refresh


class EditRefused(ValueError):
    """An edit that cannot be made; the message says why, for the user."""


class EditConflict(Exception):
    """Someone else saved the object after the user's form was loaded."""

    def __init__(self, current):
        super().__init__("This was changed by someone else while you were editing.")
        self.current = current


# A claim's span is unique in its article: a split or merge onto another claim's exact words
# is refused (the whole change is rolled back).
_SPAN_TAKEN = "Another claim already covers exactly those words."


def locked_claim(claim: Claim, version: int | None = None) -> Claim:
    """The claim's current row, locked for this transaction; EditConflict if its version
    is no longer the one the user's form was based on."""
    current = Claim.objects.select_for_update().select_related("article").get(pk=claim.pk)
    if version is not None and current.version != version:
        raise EditConflict(current)
    return current


def _editable(claim: Claim, by, version: int | None = None) -> Claim:
    """The claim's current row, locked, if `by` may edit it now; NotAllowed otherwise,
    then EditConflict if its version is no longer `version`."""
    current = locked_claim(claim)
    require(can_edit_claim(by, current), "You may not change this claim.")
    if version is not None and current.version != version:
        raise EditConflict(current)
    return current


def recorded(obj, by):
    """`obj`, with `by` named in the history record of its next save or delete.

    The history middleware knows the user only during a request; the domain functions
    also run from commands, tasks, the shell and tests, and `by` is who acted.
    """
    obj._history_user = by
    return obj


def _bump(claim: Claim, by) -> None:
    claim.version += 1
    recorded(claim, by)


@transaction.atomic
def edit_claim(
    claim: Claim, *, by, version: int, statement: str, claimant: str, kind: str
) -> Claim:
    """Change a claim's statement, claimant and kind."""
    current = _editable(claim, by, version)
    statement = statement.strip()
    if not statement:
        raise EditRefused("The statement cannot be empty.")
    if kind not in ClaimKind.values:
        raise EditRefused("Choose a kind from the list.")
    current.statement, current.claimant, current.kind = statement, claimant.strip(), kind
    _bump(current, by)
    current.save()
    return current


def split_points(quote: str) -> list[int]:
    """The offsets inside a quote where it may be split: after each word but the last."""
    points = []
    for index in range(1, len(quote)):
        if quote[index - 1].isspace() and not quote[index].isspace():
            points.append(index)
    return points


@transaction.atomic
def split_claim(claim: Claim, *, by, version: int, at: int) -> tuple[Claim, Claim]:
    """Cut a claim in two at an offset inside its quote; both parts keep its metadata.

    The first part keeps the claim's identity (citations, verdicts and comments); the
    second is a new claim added by hand with the same status.
    """
    current = _editable(claim, by, version)
    if at not in split_points(current.quote):
        raise EditRefused("Split between two words of the claim's text.")
    body = current.article.body
    first_end = current.start + len(current.quote[:at].rstrip())
    second_start = current.start + at
    second = Claim(
        article=current.article,
        statement=current.quote[at:].strip(),
        claimant=current.claimant,
        kind=current.kind,
        score=current.score,
        signals=current.signals,
        origin=ClaimOrigin.MANUAL,
        status=current.status if current.status != ClaimStatus.DISMISSED else ClaimStatus.DETECTED,
        assignee=current.assignee,
        created_by=by,
    )
    second.anchor_to(body, second_start, current.end, body_hash=current.article.body_hash)
    current.anchor_to(body, current.start, first_end, body_hash=current.article.body_hash)
    current.statement = current.quote.strip()
    _bump(current, by)
    recorded(second, by)
    try:
        current.save()
        second.save()
    except IntegrityError:
        raise EditRefused(_SPAN_TAKEN) from None
    return current, second


@transaction.atomic
def merge_claims(claims: list[Claim], *, by) -> Claim:
    """Merge claims of one article into the first; the others' work moves onto it.

    The merged claim spans from the earliest start to the latest end. Citations,
    verdicts and comments of the others move to it (a source cited twice keeps the
    first citation), then the others are deleted; history records every step.
    """
    if len(claims) < 2:
        raise EditRefused("Choose at least two claims to merge.")
    ids = [claim.pk for claim in claims]
    locked = list(Claim.objects.select_for_update().select_related("article").filter(pk__in=ids))
    if len(locked) != len(set(ids)):
        raise EditRefused("One of the claims no longer exists.")
    if len({claim.article_id for claim in locked}) != 1:
        raise EditRefused("Only claims of the same article can be merged.")
    if any(claim.status in REVIEW_STATUSES for claim in locked):
        raise EditRefused("Claims in review or published cannot be merged.")
    require(
        all(can_edit_claim(by, claim) for claim in locked),
        "You may not change one of these claims.",
    )
    locked.sort(key=lambda claim: (claim.start, claim.end))
    kept, others = locked[0], locked[1:]
    article = kept.article
    start = min(claim.start for claim in locked)
    end = max(claim.end for claim in locked)
    cited = set(kept.citations.values_list("source_id", flat=True))
    for other in others:
        for citation in other.citations.all():
            if citation.source_id in cited:
                recorded(citation, by).delete()
                continue
            citation.claim = kept
            recorded(citation, by).save()
            cited.add(citation.source_id)
        for verdict in other.verdicts.all():
            verdict.claim = kept
            recorded(verdict, by).save()
        other.comments.update(claim=kept)
        recorded(other, by).delete()
    kept.anchor_to(article.body, start, end, body_hash=article.body_hash)
    kept.statement = " ".join(claim.statement for claim in locked)
    if kept.status == ClaimStatus.DETECTED:
        kept.status = ClaimStatus.ACCEPTED
    _bump(kept, by)
    try:
        kept.save()
    except IntegrityError:
        raise EditRefused(_SPAN_TAKEN) from None
    return kept


def selected_span(
    body: str, quote: str, start_utf16: int | None, end_utf16: int | None
) -> tuple[int, int]:
    """The span of body a reviewer selected (browser offsets, UTF-16 code units, that must
    cover exactly `quote`) or pasted (`quote` alone, found exactly once), trimmed to start
    and end on words; EditRefused if it does not fit the text."""
    if not quote.strip():
        raise EditRefused("Select the words of the claim in the article text.")
    if start_utf16 is not None and end_utf16 is not None:
        try:
            start = utf16_to_code_points(body, start_utf16)
            end = utf16_to_code_points(body, end_utf16)
        except SpanError as error:
            raise EditRefused(f"The selection does not fit the article: {error}") from error
        if body[start:end] != quote:
            raise EditRefused("The selected words are not at that place in the article.")
    else:
        count = body.count(quote)
        if count == 0:
            raise EditRefused("These words are not in the article text.")
        place = find_anchor(body, TextQuoteSelector(quote, "", ""))
        if place is None:
            raise EditRefused(
                f"These words appear {count} times in the article: select them in the text."
            )
        start, end = place
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


@transaction.atomic
def add_claim(
    article: Article,
    *,
    by,
    quote: str,
    start_utf16: int | None = None,
    end_utf16: int | None = None,
    statement: str = "",
    claimant: str = "",
    kind: str = ClaimKind.OTHER,
) -> Claim:
    """Add a claim by hand over the words a reviewer selected (or pasted) in the article.

    Browser offsets are UTF-16 code units; they are converted to code points and must
    cover exactly `quote`. Without offsets the quote must occur exactly once.
    """
    require(can_add_claim(by), "Only reviewers add claims.")
    body = article.body
    if kind not in ClaimKind.values:
        raise EditRefused("Choose a kind from the list.")
    start, end = selected_span(body, quote, start_utf16, end_utf16)
    if Claim.objects.filter(
        article=article, start=start, end=end, anchor_hash=article.body_hash
    ).exists():
        raise EditRefused("A claim already covers exactly these words.")
    claim = Claim(
        article=article,
        statement=statement.strip() or body[start:end],
        claimant=claimant.strip(),
        kind=kind,
        score=0.0,
        origin=ClaimOrigin.MANUAL,
        status=ClaimStatus.ACCEPTED,
        created_by=by,
    )
    try:
        claim.anchor_to(body, start, end, body_hash=article.body_hash)
    except SpanError as error:
        raise EditRefused(str(error)) from error
    recorded(claim, by)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        # Another reviewer added a claim on these words since the check above.
        taken = Claim.objects.filter(
            article=article, start=start, end=end, anchor_hash=article.body_hash
        )
        if not taken.exists():
            raise
        raise EditRefused("A claim already covers exactly these words.") from None
    return claim


@dataclass(frozen=True)
class SourceResult:
    source: Source
    created: bool


def source_for_url(
    url: CanonicalURL, *, by, title: str = "", kind: str = SourceKind.NEWS
) -> SourceResult:
    """The library's source for a URL (or for a URL merged into it), created if new. The
    URL was canonicalised where it entered the desk (the citation form's field): it is
    used as it is."""
    if not isinstance(url, CanonicalURL):
        raise TypeError("source_for_url() takes a CanonicalURL: see canonical_url().")
    canonical = url
    existing = (
        Source.objects.filter(Q(url=canonical) | Q(aliases__url=canonical))
        .select_related("publisher")
        .first()
    )
    if existing is not None:
        return SourceResult(existing, created=False)
    source = Source(
        url=canonical,
        title=title.strip()[:500],
        kind=kind if kind in SourceKind.values else SourceKind.NEWS,
        publisher=publisher_for_url(canonical),
        created_by=by,
    )
    recorded(source, by)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        # Someone added the same URL a moment ago: use theirs.
        return SourceResult(Source.objects.get(url=canonical), created=False)
    queue_refresh(source, by=by)
    return SourceResult(source, created=True)


@transaction.atomic
def cite_source(
    claim: Claim, *, by, source: Source, stance: str, excerpt: str = "", note: str = ""
) -> Citation:
    """Attach a source to a claim with its stance, the excerpt that matters and a note."""
    current = _editable(claim, by)
    if stance not in Stance.values:
        raise EditRefused("Choose whether the source supports, refutes or adds context.")
    if Citation.objects.filter(claim=claim, source=source).exists():
        raise EditRefused("This claim already cites that source.")
    citation = Citation(
        claim=claim,
        source=source,
        stance=stance,
        excerpt=excerpt.strip(),
        note=note.strip(),
        added_by=by,
    )
    check_excerpt(citation, source)
    recorded(citation, by)
    try:
        with transaction.atomic():
            citation.save()
    except IntegrityError:
        # The same source was cited on this claim by someone else since the check above.
        if not Citation.objects.filter(claim=claim, source=source).exists():
            raise
        raise EditRefused("This claim already cites that source.") from None
    _touch(claim, current, by)
    return citation


@transaction.atomic
def describe_source(claim: Claim, source: Source, *, by, title: str, kind: str) -> Source:
    """A reviewer sets the title and kind of a source their claim cites (a UN resolution
    is a primary document, whatever kind it was added as). History names them."""
    _editable(claim, by)
    if not Citation.objects.filter(claim=claim, source=source).exists():
        raise EditRefused("This claim does not cite that source.")
    if kind not in SourceKind.values:
        raise EditRefused("Choose a kind from the list.")
    current = Source.objects.select_for_update().get(pk=source.pk)
    current.title, current.kind = title.strip()[:500], kind
    recorded(current, by).save()
    return current


@transaction.atomic
def copy_citations(claim: Claim, earlier: Claim, *, by) -> list[Citation]:
    """Reuse the evidence of an earlier check of the same words: each of `earlier`'s
    citations becomes one of `claim`'s, stance, excerpt and note kept, marked as copied
    from it for the reviewer to check. Sources `claim` cites already are skipped."""
    current = _editable(claim, by)
    if earlier.pk == claim.pk:
        raise EditRefused("A claim cannot reuse its own citations.")
    cited = set(Citation.objects.filter(claim=claim).values_list("source_id", flat=True))
    copies = []
    for citation in earlier.citations.select_related("source").order_by("created_at", "pk"):
        if citation.source_id in cited:
            continue
        copy = Citation(
            claim=claim,
            source=citation.source,
            stance=citation.stance,
            excerpt=citation.excerpt,
            note=citation.note,
            excerpt_check=citation.excerpt_check,
            checked_hash=citation.checked_hash,
            copied_from=earlier,
            added_by=by,
        )
        recorded(copy, by).save()
        copies.append(copy)
    if copies:
        _touch(claim, current, by)
    return copies


@transaction.atomic
def remove_citation(citation: Citation, *, by) -> dict:
    """Remove a citation; return what is needed to put it back (the undo)."""
    current = _editable(citation.claim, by)
    undo = {
        "source": citation.source_id,
        "stance": citation.stance,
        "excerpt": citation.excerpt,
        "note": citation.note,
    }
    recorded(citation, by).delete()
    _touch(citation.claim, current, by)
    return undo


def _touch(claim: Claim, current: Claim, by) -> None:
    """Raise a claim's version (`current`, its locked row) after a change to what hangs
    off it."""
    _bump(current, by)
    current.save(update_fields=["version", "updated_at"])
    claim.version = current.version


@transaction.atomic
def save_verdict_draft(
    claim: Claim, *, by, rating: Rating, reasoning: str, version: int | None
) -> Verdict:
    """Create or update the user's draft verdict on a claim.

    `version` is the draft's version the form was based on (None for a new draft). A
    claim that is still only detected is accepted by drafting a verdict on it.
    """
    current_claim = _editable(claim, by)
    if rating.scale_id != _default_scale_id():
        raise EditRefused("Choose a rating from the desk's scale.")
    draft = (
        Verdict.objects.select_for_update()
        .filter(claim=claim, author=by, state=VerdictState.DRAFT)
        .first()
    )
    if draft is None:
        if version is not None:
            latest = claim.verdicts.filter(author=by).order_by("-pk").first()
            raise EditConflict(latest)
        draft = Verdict(claim=claim, author=by, state=VerdictState.DRAFT)
    elif version != draft.version:
        raise EditConflict(draft)
    else:
        draft.version += 1
    draft.rating, draft.reasoning = rating, reasoning.strip()
    recorded(draft, by).save()
    if current_claim.status == ClaimStatus.DETECTED:
        current_claim.status = ClaimStatus.ACCEPTED
    _bump(current_claim, by)
    current_claim.save()
    claim.version, claim.status = current_claim.version, current_claim.status
    return draft


def _default_scale_id() -> int:
    from claims.models import RatingScale

    return RatingScale.objects.filter(is_default=True).values_list("pk", flat=True).get()


@transaction.atomic
def add_comment(claim: Claim, *, by, body: str) -> Comment:
    require(can_comment(by, claim), "You may not comment here.")
    body = body.strip()
    if not body:
        raise EditRefused("Write something before posting a comment.")
    return Comment.objects.create(claim=claim, author=by, body=body)
