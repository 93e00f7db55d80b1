"""Template context shared by every page: the count badge of the "My work" link."""

from django.utils.functional import SimpleLazyObject

from claims.models import Claim, ClaimStatus, Verdict, VerdictState
from claims.permissions import is_editor


def work_count(user) -> int:
    """Claims I am researching, plus verdicts waiting for my review if I am an editor."""
    count = Claim.objects.filter(assignee=user, status=ClaimStatus.RESEARCHING).count()
    if is_editor(user):
        count += Verdict.objects.filter(state=VerdictState.SUBMITTED).exclude(author=user).count()
    return count


def my_work(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_work_count": SimpleLazyObject(lambda: work_count(user))}
