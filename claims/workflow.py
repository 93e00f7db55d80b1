"""The claim workflow of PRODUCT.md as explicit transition functions.

detected → accepted | dismissed → researching → in review → published; an editor can
send a claim back to researching. Each transition checks who may take it and from which
status, runs in a transaction on a locked row, and is recorded in the claim's history.
An illegal transition raises TransitionRefused and changes nothing.
"""

from django.db import transaction

from claims.editing import EditConflict
from claims.models import Claim, ClaimStatus
from claims.permissions import can_edit_claim


class TransitionRefused(ValueError):
    """A transition the user may not take now; the message says why."""


def _locked(claim: Claim, version: int | None) -> Claim:
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if version is not None and current.version != version:
        raise EditConflict(current)
    return current


def _move(claim: Claim, status: str, by, **fields) -> Claim:
    claim.status = status
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.version += 1
    claim._history_user = by
    claim.save()
    return claim


@transaction.atomic
def accept(claim: Claim, *, by, version: int | None = None) -> Claim:
    """Mark a detected (or dismissed) claim as worth checking."""
    current = _locked(claim, version)
    if current.status not in (ClaimStatus.DETECTED, ClaimStatus.DISMISSED):
        raise TransitionRefused(f"A claim that is {current.get_status_display()} is accepted.")
    if not can_edit_claim(by, current):
        raise TransitionRefused("You may not change this claim.")
    return _move(current, ClaimStatus.ACCEPTED, by, dismissal_reason="")


@transaction.atomic
def dismiss(claim: Claim, *, by, reason: str, version: int | None = None) -> Claim:
    """Set a claim aside as not worth checking, with the reason."""
    reason = reason.strip()
    if not reason:
        raise TransitionRefused("Give a reason for dismissing the claim.")
    current = _locked(claim, version)
    if current.status not in (ClaimStatus.DETECTED, ClaimStatus.ACCEPTED):
        raise TransitionRefused(
            f"Only detected or accepted claims can be dismissed; this one is "
            f"{current.get_status_display().lower()}."
        )
    if not can_edit_claim(by, current):
        raise TransitionRefused("You may not change this claim.")
    return _move(current, ClaimStatus.DISMISSED, by, dismissal_reason=reason)
