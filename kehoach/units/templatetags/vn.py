"""Vietnamese date filters for every app's templates: {% load vn %} then {{ day|vn_date }}."""

import datetime as dt

from django import template
from django.utils import timezone

from kehoach.lib.vndates import date_long, date_short

register = template.Library()


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    # A datetime is shown as the local calendar day, not the UTC one.
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def vn_date(value: dt.date | dt.datetime | None) -> str:
    """ "ngày 30 tháng 6 năm 2024"; empty for no date."""
    return date_long(_as_date(value)) if value else ""


@register.filter
def vn_date_short(value: dt.date | dt.datetime | None) -> str:
    """ "30/6/2024"; empty for no date."""
    return date_short(_as_date(value)) if value else ""
