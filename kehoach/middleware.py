"""Vietnamese first: the web UI speaks Vietnamese until the user picks another language."""

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but pages ignore the browser's Accept-Language header:
    many office computers run an English browser, yet the office works in Vietnamese. The
    language switch (a cookie) still applies, and API clients may still ask for English."""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
