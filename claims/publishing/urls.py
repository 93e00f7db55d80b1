"""Public URLs (no login): fact-check pages, feeds, the methodology; and editors' exports."""

from django.urls import path

from claims.publishing import feeds, public
from claims.views import exports

app_name = "public"

urlpatterns = [
    path("fact-checks/", public.index, name="index"),
    path("fact-checks/<int:claim_id>/", public.fact_check_detail, name="fact_check"),
    path("fact-checks/feed.atom", feeds.atom_feed, name="feed_atom"),
    path("fact-checks/claimreview.json", feeds.claim_review_feed, name="feed_claimreview"),
    path("fact-checks/archive/<int:page_id>/", public.archived_source, name="archived_source"),
    path("reports/<int:article_id>/", public.article_report, name="article_report"),
    path("methodology/", public.methodology, name="methodology"),
    path("exports/articles/<int:article_id>.csv", exports.article_csv, name="export_csv"),
    path("exports/articles/<int:article_id>.json", exports.article_json, name="export_json"),
]
