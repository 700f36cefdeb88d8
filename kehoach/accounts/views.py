"""Sign-in, the start page and the user's own profile with API tokens."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehoach.plans.selectors import plan_for_home

from .forms import LoginForm, TokenCreateForm
from .models import ApiToken, RoleAssignment
from .otp import confirmed_device, login_pending_start, second_factor_allowed
from .services import api_token_create, api_token_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """Users with a confirmed authenticator app give its code before they are signed in."""
        user = form.get_user()
        if confirmed_device(user) is not None:
            login_pending_start(self.request, user, self.get_redirect_url())
            return redirect("accounts:otp_verify")
        return super().form_valid(form)


def _user(request: HttpRequest) -> User:
    # Only called behind login_required, where the user is a real account.
    return cast(User, request.user)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the plan that concerns the user most (plans.selectors.plan_for_home)."""
    plan = plan_for_home(request.user)
    if plan is not None:
        return redirect("plans:home", pk=plan.pk)
    return redirect("plans:list")


def _profile_context(request: HttpRequest) -> dict[str, object]:
    return {
        "assignments": RoleAssignment.objects.filter(user=_user(request))
        .select_related("unit")
        .order_by("role", "unit__path"),
        "tokens": ApiToken.objects.filter(user=_user(request)).order_by(
            "revoked_at", "-created_at"
        ),
        "token_form": TokenCreateForm(),
        "second_factor_allowed": second_factor_allowed(_user(request)),
        "second_factor_on": confirmed_device(_user(request)) is not None,
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    context = _profile_context(request)
    if not form.is_valid():
        context["token_form"] = form
        return render(request, "accounts/profile.html", context, status=400)
    token, raw_key = api_token_create(user=_user(request), name=form.cleaned_data["name"])
    # Rendered, not redirected: the raw key must never be stored, not even in the session.
    context["new_token"] = token
    context["raw_key"] = raw_key
    return render(request, "accounts/profile.html", context)


def _get_token_for_user(request: HttpRequest, pk: int) -> ApiToken:
    """A user sees only their own tokens; anyone else's do not exist for them."""
    token = get_object_or_404(ApiToken, pk=pk)
    if token.user_id != request.user.pk:
        raise Http404
    return token


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = _get_token_for_user(request, pk)
    if request.method == "POST":
        if token.revoked_at is None:
            api_token_revoke(token=token)
            messages.success(
                request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
            )
        return redirect("accounts:profile")
    return render(request, "accounts/token_revoke.html", {"token": token})
