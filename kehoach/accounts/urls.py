from django.contrib.auth import views as auth_views
from django.urls import path

from kehoach.accounts import health, otp, privacy, views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    # LogoutView accepts POST only (Django 5): a link cannot sign anyone out.
    path("accounts/login/code/", otp.otp_verify, name="otp_verify"),
    path("accounts/second-factor/", otp.otp_setup, name="otp_setup"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/new/", views.token_create, name="token_create"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    # For operators' probes, without sign-in: database, worker queue, disk (no personal data).
    path("health/", health.health, name="health"),
    # Public, without sign-in: what personal data kehoach keeps and why (Decree 13/2023).
    path("du-lieu-ca-nhan/", privacy.privacy, name="privacy"),
]
