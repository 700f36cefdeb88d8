from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """List people."""
    return render(request, "people/list.html", {"nav": "people"})
