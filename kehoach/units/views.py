from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """Show the unit tree."""
    return render(request, "units/tree.html", {"nav": "units"})
