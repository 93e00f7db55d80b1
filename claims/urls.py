from django.urls import path

from claims import views

app_name = "claims"

claim = "articles/<int:article_id>/claims/<int:claim_id>/"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path("articles/<int:article_id>/claims/new/", views.claim_create, name="claim_create"),
    path("articles/<int:article_id>/claims/bulk/", views.claim_bulk, name="claim_bulk"),
    path("my-work/", views.my_work, name="my_work"),
    path(claim, views.claim_detail, name="claim_detail"),
    path(f"{claim}edit/", views.claim_edit, name="claim_edit"),
    path(f"{claim}review/", views.claim_review, name="claim_review"),
    path(f"{claim}do/<slug:action>/", views.claim_transition, name="claim_transition"),
    path(f"{claim}split/", views.claim_split, name="claim_split"),
    path(f"{claim}citations/", views.citation_create, name="citation_create"),
    path(
        f"{claim}citations/<int:citation_id>/delete/",
        views.citation_delete,
        name="citation_delete",
    ),
    path(f"{claim}sources/", views.source_search, name="source_search"),
    path(
        f"{claim}sources/<int:source_id>/refresh/",
        views.source_refresh,
        name="source_refresh",
    ),
    path(f"{claim}verdict/", views.verdict_save, name="verdict_save"),
    path(f"{claim}comments/", views.comment_create, name="comment_create"),
]
