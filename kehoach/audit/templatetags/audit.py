"""{% load audit %}{% audit_history_url obj %}: the address of an object's history."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import reverse

register = template.Library()


@register.simple_tag
def audit_history_url(obj: Model) -> str:
    kind = ContentType.objects.get_for_model(type(obj))
    return reverse("audit:object", args=[kind.pk, str(obj.pk)])
