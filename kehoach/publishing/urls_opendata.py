"""Open data under /du-lieu-mo/ (no sign-in): the catalogue and the datasets."""

from django.urls import URLPattern, URLResolver, path

from . import views_opendata

app_name = "opendata"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_opendata.catalog, name="catalog"),
    path("catalog.jsonld", views_opendata.catalog_jsonld, name="catalog_jsonld"),
    path("<slug:name>.csv", views_opendata.dataset_csv, name="dataset_csv"),
    path("<slug:name>.json", views_opendata.dataset_json, name="dataset_json"),
]
