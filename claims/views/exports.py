"""Editors' exports of an article's claims with their statuses, verdicts and citations, as
CSV (one row per claim, for spreadsheets) and JSON (everything nested). Desk members only:
these include drafts, unpublished claims and reviewer names, but only the verdicts the
member may see (none of a claim they are to cross-check)."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from claims.models import Article, Citation, Claim, Verdict
from claims.permissions import is_editor, is_reviewer
from claims.publishing.claimreview import iso

CSV_COLUMNS = [
    "claim_id",
    "status",
    "statement",
    "claimant",
    "kind",
    "quote",
    "start",
    "end",
    "assignee",
    "dismissal_reason",
    "verdict_rating",
    "verdict_state",
    "verdict_reasoning",
    "verdict_author",
    "approved_by",
    "published_at",
    "correction_note",
    "verdict_count",
    "citation_count",
    "citations",
]

# A cell starting with one of these is a formula to spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _name(user) -> str:
    return user.get_username() if user else ""


def _article_for_export(request: HttpRequest, article_id: int) -> tuple[Article, list[Claim]]:
    if not (is_reviewer(request.user) or is_editor(request.user)):
        raise PermissionDenied("Only reviewers and editors export an article's claims.")
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=article_id)
    claims = list(
        Claim.objects.filter(article=article)
        .select_related("assignee")
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.visible_to(request.user)
                .select_related("rating", "author", "approved_by")
                .order_by("created_at", "pk"),
                to_attr="all_verdicts",
            ),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source__publisher", "added_by"),
                to_attr="all_citations",
            ),
        )
        .order_by("start", "end")
    )
    return article, claims


def _verdict(verdict: Verdict) -> dict:
    return {
        "id": verdict.pk,
        "rating": verdict.rating.label,
        "rating_position": verdict.rating.position,
        "state": verdict.state,
        "reasoning": verdict.reasoning,
        "author": _name(verdict.author),
        "approved_by": _name(verdict.approved_by),
        "submitted_at": iso(verdict.submitted_at) if verdict.submitted_at else None,
        "approved_at": iso(verdict.approved_at) if verdict.approved_at else None,
        "published_at": iso(verdict.published_at) if verdict.published_at else None,
        "correction_note": verdict.correction_note,
        "review_note": verdict.review_note,
        "override_reason": verdict.override_reason,
    }


def _citation(citation: Citation) -> dict:
    source = citation.source
    return {
        "id": citation.pk,
        "stance": citation.stance,
        "excerpt": citation.excerpt,
        "excerpt_check": citation.excerpt_check,
        "note": citation.note,
        "added_by": _name(citation.added_by),
        "source": {
            "id": source.pk,
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher.name if source.publisher else None,
            "kind": source.kind,
            "published_on": iso(source.published_on) if source.published_on else None,
            "archived_url": source.archived_url,
        },
    }


@require_safe
@login_required
def article_json(request: HttpRequest, article_id: int) -> JsonResponse:
    article, claims = _article_for_export(request, article_id)
    data = {
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher.name if article.publisher else None,
            "author": article.author,
            "published_on": iso(article.published_on) if article.published_on else None,
        },
        "claims": [
            {
                "id": claim.pk,
                "status": claim.status,
                "statement": claim.statement,
                "claimant": claim.claimant,
                "kind": claim.kind,
                "quote": claim.quote,
                "start": claim.start,
                "end": claim.end,
                "assignee": _name(claim.assignee),
                "dismissal_reason": claim.dismissal_reason,
                "verdicts": [_verdict(v) for v in claim.all_verdicts],
                "citations": [_citation(c) for c in claim.all_citations],
            }
            for claim in claims
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="article-{article.pk}-claims.json"'
    return response


def _citations_cell(citations: list[Citation]) -> str:
    return "\n".join(
        f"{c.get_stance_display()}: {c.source.url}" + (f" — “{c.excerpt}”" if c.excerpt else "")
        for c in citations
    )


@require_safe
@login_required
def article_csv(request: HttpRequest, article_id: int) -> HttpResponse:
    """One row per claim: its latest verdict the user may see (any state) and its
    citations in one cell."""
    article, claims = _article_for_export(request, article_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="article-{article.pk}-claims.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for claim in claims:
        latest = claim.all_verdicts[-1] if claim.all_verdicts else None
        row = [
            claim.pk,
            claim.status,
            claim.statement,
            claim.claimant,
            claim.kind,
            claim.quote,
            claim.start,
            claim.end,
            _name(claim.assignee),
            claim.dismissal_reason,
            latest.rating.label if latest else "",
            latest.state if latest else "",
            latest.reasoning if latest else "",
            _name(latest.author) if latest else "",
            _name(latest.approved_by) if latest else "",
            iso(latest.published_at) if latest and latest.published_at else "",
            latest.correction_note if latest else "",
            len(claim.all_verdicts),
            len(claim.all_citations),
            _citations_cell(claim.all_citations),
        ]
        writer.writerow([_spreadsheet_safe(value) for value in row])
    return response
