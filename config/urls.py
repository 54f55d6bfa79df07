"""Top-level URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from archive.admin.login import SiteLoginForm
from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Sign-in for every user (readers included): saved searches are theirs.
    path("accounts/login/", auth_views.LoginView.as_view(form_class=SiteLoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("archive.api.urls")),
    path("", include("archive.urls")),
]

handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"
