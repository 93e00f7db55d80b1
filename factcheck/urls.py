"""The site's URLs: the desk app, the admin, logging in and out, and password resets.

`/healthz` and `/readyz` are answered by `factcheck.middleware`, before these."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from claims.publishing.api import api
from factcheck import accounts

admin.site.site_header = "Fact-check desk administration"
admin.site.site_title = "Fact-check desk"


def favicon(request):
    """Pages link their icon; this answers clients that ask where they always have."""
    return redirect(static("claims/favicon.svg"), permanent=True)


urlpatterns = [
    path("", include("claims.urls")),
    path("", include("claims.publishing.urls")),
    path("api/", api.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"password_reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        ),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]

if settings.BENCH:  # the benchmark's floor and stock admin (claims/benchmark/floor.py)
    urlpatterns.append(path("", include("claims.benchmark.floor")))
