from django.urls import path

from claims.views import articles, claim, review, revisions, workspace

app_name = "claims"

CLAIM = "articles/<int:article_id>/claims/<int:claim_id>/"

urlpatterns = [
    path("", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_create, name="article_create"),
    path("articles/new/page/", articles.article_fetch, name="article_fetch"),
    path("articles/new/page/<int:page_id>/", articles.article_preview, name="article_preview"),
    path("archive/<int:page_id>/", articles.archived_page, name="archived_page"),
    path("articles/<int:article_id>/", workspace.article_detail, name="article_detail"),
    path(
        "articles/<int:article_id>/versions/", revisions.article_versions, name="article_versions"
    ),
    path("articles/<int:article_id>/revise/", revisions.article_revise, name="article_revise"),
    path(
        "articles/<int:article_id>/revise/fetch/",
        revisions.article_refetch,
        name="article_refetch",
    ),
    path(
        "articles/<int:article_id>/revise/page/<int:page_id>/",
        revisions.article_revise,
        name="article_revise_page",
    ),
    path("articles/<int:article_id>/check/", revisions.article_check, name="article_check"),
    path("articles/<int:article_id>/claims/new/", claim.claim_create, name="claim_create"),
    path("articles/<int:article_id>/claims/bulk/", workspace.claim_bulk, name="claim_bulk"),
    path("my-work/", review.my_work, name="my_work"),
    path(CLAIM, claim.claim_detail, name="claim_detail"),
    path(f"{CLAIM}sections/<slug:section>/", claim.claim_section, name="claim_section"),
    path(f"{CLAIM}edit/", claim.claim_edit, name="claim_edit"),
    path(f"{CLAIM}review/", review.claim_review, name="claim_review"),
    path(f"{CLAIM}do/<slug:action>/", review.claim_transition, name="claim_transition"),
    path(f"{CLAIM}resolve/", revisions.claim_resolve, name="claim_resolve"),
    path(f"{CLAIM}split/", claim.claim_split, name="claim_split"),
    path(f"{CLAIM}citations/", claim.citation_create, name="citation_create"),
    path(
        f"{CLAIM}citations/<int:citation_id>/delete/",
        claim.citation_delete,
        name="citation_delete",
    ),
    path(
        f"{CLAIM}citations/copy-from/<int:earlier_id>/",
        claim.citations_copy,
        name="citations_copy",
    ),
    path(f"{CLAIM}sources/", claim.source_search, name="source_search"),
    path(
        f"{CLAIM}sources/<int:source_id>/describe/",
        claim.source_describe,
        name="source_describe",
    ),
    path(
        f"{CLAIM}sources/<int:source_id>/refresh/",
        claim.source_refresh,
        name="source_refresh",
    ),
    path(f"{CLAIM}verdict/", claim.verdict_save, name="verdict_save"),
    path(f"{CLAIM}comments/", claim.comment_create, name="comment_create"),
]
