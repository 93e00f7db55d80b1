from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path(
        "articles/<int:article_id>/claims/<int:claim_id>/",
        views.claim_detail,
        name="claim_detail",
    ),
]
