"""Who may do what: questions the views ask before they act or show anything.

Templates never decide permissions: a partial rendered for htmx skips the rest of the
page, so every check lives here and is asked in the view.
"""

from claims.models import Claim, ClaimStatus

# Claims in these statuses are closed to ordinary edits: a published claim changes only
# through a correction, a claim in review only through the editor.
LOCKED_STATUSES = frozenset({ClaimStatus.PUBLISHED, ClaimStatus.IN_REVIEW})


def is_editor(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.groups.filter(name__in=["Editor", "Admin"]).exists()
    )


def can_edit_claim(user, claim: Claim) -> bool:
    """A reviewer edits claims that are unassigned or assigned to them; editors any."""
    if not (user.is_authenticated and user.is_active):
        return False
    if claim.status in LOCKED_STATUSES:
        return False
    if claim.assignee_id is None or claim.assignee_id == user.pk:
        return True
    return is_editor(user)


def can_comment(user, claim: Claim) -> bool:
    """Everyone on the desk may discuss any claim."""
    return user.is_authenticated and user.is_active
