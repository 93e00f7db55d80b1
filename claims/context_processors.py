"""Template context shared by every page: the count badge of the "My work" link."""

from django.utils.functional import SimpleLazyObject

from claims.models import Claim, Verdict


def work_count(user) -> int:
    """What My work lists as waiting for the user: the claims they are researching and the
    verdicts waiting for them (to approve, or to cross-check)."""
    researching = Claim.objects.researched_by(user).order_by().values("pk")
    waiting = Verdict.objects.awaiting(user).order_by().values("pk")
    return researching.union(waiting, all=True).count()  # one query on every page


def my_work(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_work_count": SimpleLazyObject(lambda: work_count(user))}
