"""Who may do what: the predicates every permission check asks, and the refusal.

The rule: the domain functions check `by`. Every function of claims/editing.py and
claims/workflow.py that changes a claim, its citations, verdicts or comments asks these
predicates about the user it was given, on the rows it has locked, and raises NotAllowed
(TransitionRefused for the workflow) when the answer is no; a view answers 403. So a
command, a task or the admin calling a domain function is checked exactly as a view is.
Views may ask the same predicates early (to answer 403 before reading a form, or to
decide what to show, never a rule of their own): a partial rendered for htmx skips the
rest of the page, so a template never decides a permission.

Roles are Django groups (Reviewer, Editor, Admin; created by a migration) whose
permissions these functions read.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from claims.models import Claim, ClaimStatus
from claims.roles import active, is_editor, is_reviewer

# A claim in these statuses has a verdict in review or published. Editors review it (the
# workflow's review transitions start from here), and ordinary edits are closed: a claim
# in review changes only through the editor, a published one only through a correction.
REVIEW_STATUSES = frozenset({ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED})


class NotAllowed(PermissionDenied):
    """The user may not do this (now); the message says why. A PermissionDenied, so a
    view that does not catch it answers 403 with the message."""


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def may_assign_others(user) -> bool:
    return is_editor(user) and user.has_perm("claims.assign_claim")


def can_work_on(user, claim: Claim) -> bool:
    """A reviewer works on claims unassigned or assigned to them; editors on any."""
    if not is_reviewer(user):
        return False
    return claim.assignee_id in (None, user.pk) or is_editor(user)


def can_edit_claim(user, claim: Claim) -> bool:
    """May change the claim's text, citations and draft verdict now."""
    return claim.status not in REVIEW_STATUSES and can_work_on(user, claim)


def can_revise_article(user) -> bool:
    """May bring in a new version of an article, or have its page checked for one now."""
    return active(user) and user.has_perm("claims.add_article")


def can_add_claim(user) -> bool:
    return is_reviewer(user)


def can_comment(user, claim: Claim) -> bool:
    """Everyone on the desk may discuss any claim."""
    return active(user) and user.has_perm("claims.add_comment")


def reviewers():
    """Active users who may research claims (the permission is_reviewer asks for): the
    people a claim can be assigned to."""
    users = get_user_model()
    # EXISTS per way of holding the permission, not joins made DISTINCT: one row a user,
    # planned and read without multiplying users by groups by permissions.
    through_group = users.groups.through.objects.filter(
        user=OuterRef("pk"), group__permissions__codename="change_claim"
    )
    directly = users.user_permissions.through.objects.filter(
        user=OuterRef("pk"), permission__codename="change_claim"
    )
    may_research = Q(is_superuser=True) | Exists(through_group) | Exists(directly)
    return users.objects.filter(may_research, is_active=True).order_by("username")
