"""The sitemap of the public pages."""

from django.http import HttpRequest, HttpResponse


def sitemap_view(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # replaced by the public-pages work of issue 7
