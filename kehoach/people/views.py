"""Pages of the people the plans count: list, detail, create, edit, export and erase."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.accounts import access
from kehoach.lib.vntext import search_key
from kehoach.units.models import Unit

from .forms import PersonForm
from .models import DUTY_FIELDS, Duty, Person
from .services import person_create, person_erase, person_export, person_update


def _people_for_user(request: HttpRequest) -> QuerySet[Person]:
    """People of the user's writable subtrees: the only people that exist for them."""
    scope = access.scope_for(request.user)
    return scope.filter(Person.objects.select_related("unit"), "unit__path")  # type: ignore[return-value]


def _get_person_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Person:
    """404 for people outside the user's subtrees; 403 on writes the user may not make."""
    person = get_object_or_404(_people_for_user(request), pk=pk)
    if write and not access.can_write_unit(request.user, person.unit):
        raise PermissionDenied
    return person


def _unit_choices(request: HttpRequest) -> QuerySet[Unit]:
    return access.writable_units(request.user).order_by("path")


def _form_unit_choices(request: HttpRequest, *, current: Unit | None = None) -> QuerySet[Unit]:
    """Writable units that exist today, plus the person's current one (it may have ended)."""
    today = timezone.localdate()
    exists_today = (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    return _unit_choices(request).filter(exists_today | Q(pk=current.pk if current else None))


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    people = _people_for_user(request)
    total = people.count()
    query = request.GET.get("q", "").strip()
    if key := search_key(query):
        people = people.filter(search_text__contains=key)
    unit = None
    if unit_id := request.GET.get("unit", "").strip():
        # A unit outside the user's scope (or junk) filters to nothing rather than leaking.
        unit = _unit_choices(request).filter(pk=unit_id).first() if unit_id.isdigit() else None
        people = people.filter(unit__path__startswith=unit.path) if unit else people.none()
    duty = request.GET.get("duty", "").strip()
    if duty:
        field = DUTY_FIELDS.get(duty)  # type: ignore[call-overload]
        people = people.filter(**{field: True}) if field else people.none()
    page = Paginator(people.order_by("sort_key", "pk"), settings.KEHOACH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {
        "nav": "people",
        "page": page,
        "total": total,
        "query": query,
        "unit": unit,
        "duty": duty,
        "units": _unit_choices(request),
        "duties": Duty.choices,
        "filters_query": filters.urlencode(),
        "can_create": access.writable_units(request.user).exists(),
    }
    return render(request, "people/list.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    return render(request, "people/detail.html", {"nav": "people", "person": person})


def _add_errors(form: PersonForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    units = _form_unit_choices(request)
    if not units.exists():
        raise PermissionDenied
    form = PersonForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_create(
                full_name=data["full_name"],
                unit=data["unit"],
                position=data["position"],
                phone=data["phone"],
                email=data["email"],
                duties=data["duties"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The person has been added."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"nav": "people", "form": form, "person": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk, write=True)
    if person.erased_at:
        messages.error(request, _("This person's data has been erased and cannot be edited."))
        return redirect("people:detail", pk=person.pk)
    initial = {
        "full_name": person.full_name,
        "position": person.position,
        "unit": person.unit,
        "phone": person.phone,
        "email": person.email,
        "duties": [str(duty) for duty in person.duties],
        "active": person.active,
    }
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        units=_unit_choices(request),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_update(
                person=person,
                unit=data["unit"],
                duties=data["duties"],
                full_name=data["full_name"],
                position=data["position"],
                phone=data["phone"],
                email=data["email"],
                active=data["active"],
            )
        except ValidationError as error:
            person.refresh_from_db()
            _add_errors(form, error)
        else:
            messages.success(request, _("The person has been saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"nav": "people", "form": form, "person": person})


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the person, as a JSON download (data-subject access request)."""
    person = _get_person_for_user(request, pk, write=True)
    body = json.dumps(person_export(person=person), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@login_required
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk, write=True)
    if request.method == "POST":
        if person.erased_at:
            messages.info(request, _("This person's data had already been erased."))
        else:
            person_erase(person=person)
            messages.success(request, _("The person's data has been erased."))
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/erase.html", {"nav": "people", "person": person})
