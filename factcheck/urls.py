"""The site's URLs: the desk app, the admin and log in/out."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from claims.publishing.api import api

admin.site.site_header = "Fact-check desk administration"
admin.site.site_title = "Fact-check desk"

urlpatterns = [
    path("", include("claims.urls")),
    path("", include("claims.publishing.urls")),
    path("api/", api.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
