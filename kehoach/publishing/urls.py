"""Staff pages of publishing under /publishing/ (sign-in required)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "publishing"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.publication_list, name="list"),
    path("new/", views.publication_create, name="create"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/edit/", views.publication_edit, name="edit"),
    path("<int:pk>/approve/", views.publication_approve, name="approve"),
    path("<int:pk>/withdraw/", views.publication_withdraw, name="withdraw"),
    path("<int:pk>/reopen/", views.publication_reopen, name="reopen"),
]
