"""Filters of the public pages: {% load public %}."""

import datetime as dt
import unicodedata

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from kehoach.lib.richtext import plain_text, sanitised_html
from kehoach.lib.vndates import date_long

from ..models import Publication
from ..public_selectors import LocalText, is_english, shown_summary, shown_title

register = template.Library()


@register.filter
def pub_title(publication: Publication) -> LocalText:
    """The title in the page's language if translated, else the Vietnamese one (with its lang)."""
    return shown_title(publication)


@register.filter
def pub_summary(publication: Publication) -> LocalText:
    return shown_summary(publication)


@register.filter
def richtext(value: str) -> SafeString:
    """A summary with its simple formatting, made safe again on the way out (old rows too)."""
    return mark_safe(sanitised_html(str(value or "")))  # safe: nh3 allow-list


@register.filter
def plain(value: str) -> str:
    """A summary's words without its formatting (excerpts in lists)."""
    return plain_text(str(value or ""))


@register.filter
def public_date(value: dt.date | dt.datetime | None) -> str:
    """ "ngày 30 tháng 6 năm 2024" on Vietnamese pages, "30 June 2024" on English ones."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if is_english():
        return date_format(value, "j F Y")
    return date_long(value)


@register.filter
def nfc(value: str) -> str:
    """Text in NFC: Django's own language names ("Tiếng Việt") come with combining marks."""
    return unicodedata.normalize("NFC", str(value))
