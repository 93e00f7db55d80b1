"""Who may do what: questions the views ask before they act or show anything.

Roles are Django groups (Reviewer, Editor, Admin; created by a migration) whose
permissions these functions read. Templates never decide permissions: a partial rendered
for htmx skips the rest of the page, so every check lives here and is asked in the view.
"""

from claims.models import Claim, ClaimStatus

# Claims in these statuses are closed to ordinary edits: a published claim changes only
# through a correction, a claim in review only through the editor.
LOCKED_STATUSES = frozenset({ClaimStatus.PUBLISHED, ClaimStatus.IN_REVIEW})


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("claims.change_claim")


def is_editor(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("claims.approve_verdict")


def can_work_on(user, claim: Claim) -> bool:
    """A reviewer works on claims unassigned or assigned to them; editors on any."""
    if not is_reviewer(user):
        return False
    return claim.assignee_id in (None, user.pk) or is_editor(user)


def can_edit_claim(user, claim: Claim) -> bool:
    """May change the claim's text, citations and draft verdict now."""
    return claim.status not in LOCKED_STATUSES and can_work_on(user, claim)


def can_assign(user, claim: Claim, to) -> bool:
    """Reviewers take unassigned claims for themselves; editors assign anyone."""
    if is_editor(user) and user.has_perm("claims.assign_claim"):
        return is_reviewer(to)
    return to.pk == user.pk and is_reviewer(user) and claim.assignee_id in (None, user.pk)


def can_comment(user, claim: Claim) -> bool:
    """Everyone on the desk may discuss any claim."""
    return user.is_authenticated and user.is_active and user.has_perm("claims.add_comment")
