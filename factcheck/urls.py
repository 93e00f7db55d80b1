"""The site's URLs: the desk app, the admin and log in/out."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from claims.publishing.api import api

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
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]
