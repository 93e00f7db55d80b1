"""Row-set rules: which claims, verdicts and ratings a question is about, written once.

Views, feeds, the API, the exports and the "My work" badge ask these instead of filtering
on their own, so that a rule (what is published, what a cross-checker may not see yet,
what is waiting for someone) cannot drift between them.

The blind cross-check lives here and nowhere else: a reviewer who is to cross-check a
submitted verdict (cross-checking on, the verdict not yet cross-checked, not their own)
sees no verdict of that claim, its rating and reasoning included, until they have rated it
(`VerdictQuerySet.awaiting_cross_check_by`, used by `visible_to`).
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from claims.choices import ClaimStatus, VerdictState
from claims.roles import is_editor, is_reviewer
from claims.search import words_filter


def _model(name: str) -> type[models.Model]:
    # By name: the models import this module to build their managers.
    return apps.get_model("claims", name)


def _is_desk_member(user) -> bool:
    return user is not None and is_reviewer(user)


def cross_checker_id(user) -> int | None:
    """The user's id if they cross-check others' verdicts (a desk member, not an editor:
    editors approve instead), else None."""
    return user.pk if _is_desk_member(user) and not is_editor(user) else None


def _cross_checking_on() -> Exists:
    """The desk's setting, read inside the query (the settings are a single row)."""
    return Exists(_model("Desk").objects.filter(cross_checking=True))


def every_article_stamp() -> Coalesce:
    """The stamp of changes to what every article shows (ArticleStamp.EVERY_ARTICLE): the
    ratings, the reviewers' names, the cross-checking setting; 0 before the first."""
    stamps = _model("ArticleStamp").objects.order_by()
    every = stamps.filter(article_id=_model("ArticleStamp").EVERY_ARTICLE).values("changes")
    return Coalesce(Subquery(every), 0)


class ArticleQuerySet(models.QuerySet):
    def with_claim_totals(self):
        """Annotate each article with its number of claims and whether any is published:
        each a subquery on the claims' index (counting through a join grouped by the
        article took 5 ms at 5,000 claims, the subqueries 0.6 ms)."""
        claims = _model("Claim").objects.filter(article=OuterRef("pk")).order_by()
        # COUNT(*) without GROUP BY (a Func, not annotate(Count)): counted so, the article's
        # entries in the claims' span index answer it without reading the table.
        total = claims.annotate(n=Func(template="COUNT(*)", output_field=models.IntegerField()))
        total = total.values("n")
        return self.annotate(
            claim_total=Subquery(total),
            has_published=Exists(claims.filter(status=ClaimStatus.PUBLISHED)),
        )

    def with_stamps(self):
        """Annotate each article with its stamp (claims.models.ArticleStamp: how many times
        what its workspace lists has changed) and the stamp of changes to every article;
        0 before the first."""
        own = _model("ArticleStamp").objects.order_by().filter(article_id=OuterRef("pk"))
        return self.annotate(
            stamp=Coalesce(Subquery(own.values("changes")), 0),
            every_article_stamp=every_article_stamp(),
        )


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """Claims readers may see: published, with at least one published verdict."""
        return self.filter(
            Exists(_model("Verdict").objects.published().filter(claim=OuterRef("pk"))),
            status=ClaimStatus.PUBLISHED,
        )

    def visible_to(self, user):
        """Every claim for desk members (reviewers, editors); the published ones otherwise."""
        return self if _is_desk_member(user) else self.published()

    def flagged(self):
        """Claims a revision orphaned that wait for a reviewer (Claim.is_flagged)."""
        return self.filter(is_orphaned=True, kept_on_version=False)

    def researched_by(self, user):
        """Claims the user is researching: assigned to them and not yet submitted."""
        return self.filter(assignee=user, status=ClaimStatus.RESEARCHING)

    def with_publication_dates(self):
        """Annotate each claim with its first and latest verdict publication (or None)."""
        public = _model("Verdict").objects.published().filter(claim=OuterRef("pk"))
        return self.annotate(
            first_published_at=Subquery(
                public.order_by("published_at", "pk").values("published_at")[:1]
            ),
            last_published_at=Subquery(
                public.order_by("-published_at", "-pk").values("published_at")[:1]
            ),
        )

    def with_blindness(self, user):
        """Annotate each claim with `blind`: whether it is one the user is to cross-check
        (they see none of its verdicts, its history or the claims checked before it)."""
        return self.blind_for(cross_checker_id(user))

    def blind_for(self, checker_id: int | None):
        """`with_blindness` for the cross-checker with this id (None: nobody is blind)."""
        to_cross_check = _model("Verdict").objects.awaiting_cross_check_by_checker(checker_id)
        return self.annotate(blind=Exists(to_cross_check.filter(claim=OuterRef("pk"))))

    def with_current_verdict(self, user=None):
        """Annotate each claim with its latest verdict's rating and state (or None).

        Given the user looking, only the verdicts they may see count, and `blind` says the
        claim is one they are to cross-check (they see none of its verdicts, its history
        or the claims checked before it). Without a user every verdict counts.
        """
        claims, verdicts = self, _model("Verdict").objects.all()
        if user is not None:
            verdicts = _model("Verdict").objects.visible_to(user)
            claims = claims.with_blindness(user)
        latest = verdicts.filter(claim=OuterRef("pk")).order_by("-pk")
        return claims.annotate(
            verdict_label=Subquery(latest.values("rating__label")[:1]),
            verdict_slug=Subquery(latest.values("rating__slug")[:1]),
            verdict_state=Subquery(latest.values("state")[:1]),
        )

    def matching(self, *, status="", kind="", verdict="", assignee=None, unassigned=False, q=""):
        """Claims passing the workspace filters; empty values do not filter. `q` finds
        whole words of the statement, the quote or the claimant (claims.search).

        Filtering by verdict needs with_current_verdict() (given the user looking).
        """
        claims = self
        if status:
            claims = claims.filter(status=status)
        if kind:
            claims = claims.filter(kind=kind)
        if verdict == "none":
            claims = claims.filter(verdict_slug__isnull=True)
        elif verdict:
            claims = claims.filter(verdict_slug=verdict)
        if unassigned:
            claims = claims.filter(assignee__isnull=True)
        elif assignee is not None:
            claims = claims.filter(assignee=assignee)
        if q:
            claims = claims.filter(words_filter(q, "statement", "quote", "claimant"))
        return claims


class VerdictQuerySet(models.QuerySet):
    def published(self):
        """Verdicts an editor approved and published (current ones and corrected ones)."""
        return self.filter(state=VerdictState.APPROVED, published_at__isnull=False)

    def public(self):
        """What readers see: published verdicts of claims that are published."""
        return self.published().filter(claim__status=ClaimStatus.PUBLISHED)

    def submitted(self):
        return self.filter(state=VerdictState.SUBMITTED)

    def awaiting_cross_check(self):
        """Submitted verdicts a second reviewer has still to rate (cross-checking on)."""
        return self.submitted().filter(_cross_checking_on(), cross_checked_by__isnull=True)

    def awaiting_cross_check_by(self, user):
        """Verdicts this user is to cross-check: they may not see them, nor any verdict of
        their claims, until they have rated the claim themselves. Editors do not
        cross-check: they approve, beside the verdict and its evidence."""
        return self.awaiting_cross_check_by_checker(cross_checker_id(user))

    def awaiting_cross_check_by_checker(self, checker_id: int | None):
        """`awaiting_cross_check_by` for the cross-checker with this id (None: nobody)."""
        if checker_id is None:
            return self.none()
        return self.awaiting_cross_check().exclude(author_id=checker_id)

    def awaiting_approval(self):
        """Submitted verdicts an editor may approve or send back now."""
        return self.submitted().exclude(Q(_cross_checking_on()) & Q(cross_checked_by__isnull=True))

    def awaiting(self, user):
        """Verdicts waiting for this user, never their own: for editors those to approve;
        for reviewers, with cross-checking on, those to cross-check."""
        if is_editor(user):
            return self.awaiting_approval().exclude(author=user)
        return self.awaiting_cross_check_by(user)

    def visible_to(self, user):
        """Verdicts this user may read: for desk members every verdict except those of the
        claims they are to cross-check (blind); for anyone else the public ones."""
        if not _is_desk_member(user):
            return self.public()
        blind = _model("Verdict").objects.awaiting_cross_check_by(user).values("claim")
        return self.exclude(claim__in=blind)


class RatingQuerySet(models.QuerySet):
    def default_scale(self):
        """The ratings of the desk's default scale: the ones reviewers choose from."""
        return self.filter(scale__is_default=True)
