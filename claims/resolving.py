"""Resolving a claim a revision flagged: its words changed or vanished in the article's new
text, and a reviewer decides what it becomes, never the desk.

- Re-anchor it on words selected in the current text, by the rules of adding a claim (the
  selection is the text's words at those offsets, no other claim covers exactly those
  words). Only while its words may change: a claim in review or published has a verdict
  on its words.
- Keep it as checked on the version it was found in: a published claim stays published
  against that version, and its public page says the article has changed since.
- Dismiss it, through the workflow's dismissal (detected or accepted claims, with a
  reason); a claim already dismissed stays so, no longer flagged.

A kept or dismissed claim stays orphaned (its span counts in its version) but is no longer
flagged (Claim.kept_on_version). Each function checks `by` on the locked row (NotAllowed),
then the version the form was based on (EditConflict), and is recorded in the history.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction

from claims.editing import EditConflict, EditRefused, locked_claim, recorded, selected_span
from claims.models import Claim, ClaimStatus
from claims.permissions import REVIEW_STATUSES, can_edit_claim, can_work_on, require
from claims.workflow import TRANSITIONS, Situation, dismiss

NOT_FLAGGED = "This claim is not flagged: there is nothing to resolve."
MAY_NOT = "You may not change this claim."


def _reanchor_refusal(user, claim: Claim) -> str:
    if not claim.is_flagged:
        return NOT_FLAGGED
    if claim.status in REVIEW_STATUSES:
        return (
            "Its verdict checked the earlier words: keep a published claim on its version "
            "(to check the new words, add a claim); a claim in review is sent back first."
        )
    return "" if can_edit_claim(user, claim) else MAY_NOT


def _keep_refusal(user, claim: Claim) -> str:
    if not claim.is_flagged:
        return NOT_FLAGGED
    if claim.status != ClaimStatus.PUBLISHED:
        return "Only a published claim is kept on the version it was checked on."
    return "" if can_work_on(user, claim) else MAY_NOT


def _dismiss_refusal(user, claim: Claim) -> str:
    if not claim.is_flagged:
        return NOT_FLAGGED
    if claim.status == ClaimStatus.DISMISSED:
        return "" if can_edit_claim(user, claim) else MAY_NOT
    # The workflow's own rule; its dismissal asks nothing of the verdicts or the desk.
    rule = TRANSITIONS["dismiss"].unmet(user, Situation(claim, (), False))
    return rule.refusal if rule is not None else ""


REFUSALS: dict[str, Callable[[object, Claim], str]] = {
    "reanchor": _reanchor_refusal,
    "keep": _keep_refusal,
    "dismiss": _dismiss_refusal,
}


def refusals(user, claim: Claim) -> dict[str, str]:
    """For each way of resolving the claim, why `user` may not take it now ("" if they may)."""
    return {name: refusal(user, claim) for name, refusal in REFUSALS.items()}


def _resolvable(action: str, claim: Claim, by, version: int) -> Claim:
    current = locked_claim(claim)
    refusal = REFUSALS[action](by, current)
    require(not refusal, refusal)
    if current.version != version:
        raise EditConflict(current)
    return current


def _save(claim: Claim, by, reason: str) -> Claim:
    claim.version += 1
    claim._change_reason = reason
    recorded(claim, by).save()
    return claim


@transaction.atomic
def reanchor(
    claim: Claim,
    *,
    by,
    version: int,
    quote: str,
    start_utf16: int | None = None,
    end_utf16: int | None = None,
) -> Claim:
    """Point the flagged claim at the words selected in the article's current text."""
    current = _resolvable("reanchor", claim, by, version)
    article = current.article
    start, end = selected_span(article.body, quote, start_utf16, end_utf16)
    taken = Claim.objects.filter(
        article=article, start=start, end=end, anchor_hash=article.body_hash
    ).exclude(pk=current.pk)
    if taken.exists():
        raise EditRefused("Another claim already covers exactly these words.")
    current.anchor_to(article.body, start, end, body_hash=article.body_hash)
    try:
        with transaction.atomic():
            return _save(current, by, "Re-anchored in the new version")
    except IntegrityError:
        if not taken.exists():
            raise
        raise EditRefused("Another claim already covers exactly these words.") from None


@transaction.atomic
def keep_on_version(claim: Claim, *, by, version: int) -> Claim:
    """Leave the flagged published claim on the version it was checked on."""
    current = _resolvable("keep", claim, by, version)
    current.kept_on_version = True
    return _save(current, by, "Kept on the version it was checked on")


@transaction.atomic
def dismiss_flagged(claim: Claim, *, by, version: int, reason: str = "") -> Claim:
    """Dismiss the flagged claim (the workflow's dismissal, with its reason), or leave one
    already dismissed as it is; either way it is no longer flagged."""
    current = _resolvable("dismiss", claim, by, version)
    if current.status != ClaimStatus.DISMISSED:
        current = dismiss(current, by=by, reason=reason, version=version)
    current.kept_on_version = True
    return _save(current, by, "Left dismissed on its version")
