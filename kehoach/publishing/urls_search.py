"""Staff search under /search/ (sign-in required)."""

from django.urls import URLPattern, URLResolver, path

from . import views_search

app_name = "search"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_search.search_page, name="search"),
]
