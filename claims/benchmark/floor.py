"""The benchmark's reference pages, served only with the BENCH setting on (`manage.py bench`
turns it on for its own server; `factcheck/urls.py` adds these URLs only then).

- `/bench/floor/`: the floor, a few bytes through the whole middleware stack: the fastest
  page this stack can serve, against which every page's req/s and p99 are compared;
- `/bench/desk-page/`: an empty desk page behind the login (the session, the user, the
  desk's header with its My work badge): what every desk page pays before its content;
- `/bench/admin/claims/claim/`: Django's stock admin changelist of the same claims, 50 rows
  a page, with nothing tuned: the workspace's other yardstick.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from claims.models import Claim


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def desk_page(request):
    return render(request, "base.html")


stock_admin = admin.AdminSite(name="bench_admin")


@admin.register(Claim, site=stock_admin)
class StockClaimAdmin(admin.ModelAdmin):
    list_per_page = 50


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/desk-page/", desk_page, name="bench_desk_page"),
    path("bench/admin/", stock_admin.urls),
]
