from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the plans list (placeholder until the plan home exists)."""
    try:
        return redirect(reverse("plans:list"))
    except NoReverseMatch:
        return render(request, "accounts/profile.html", {})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Show the signed-in user's profile."""
    return render(request, "accounts/profile.html", {})
