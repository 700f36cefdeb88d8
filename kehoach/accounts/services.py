"""Writes of accounts: users with roles, API tokens."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.units.models import Unit

from .models import ApiToken, Role, RoleAssignment, hash_token


@transaction.atomic
def user_create_with_role(
    *,
    username: str,
    password: str,
    role: str,
    unit: Unit | None,
    full_name: str = "",
    email: str = "",
) -> User:
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role})
    if role != Role.ADMIN and unit is None:
        raise ValidationError(_("This role needs a unit."))
    first, _sep, last = full_name.rpartition(" ")
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first,
        last_name=last,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@transaction.atomic
def role_grant(*, user: User, role: str, unit: Unit | None) -> RoleAssignment:
    if role != Role.ADMIN and unit is None:
        raise ValidationError(_("This role needs a unit."))
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    return assignment


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw key, which is shown once and never stored."""
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=user, name=name or _("API token"), prefix=raw[3:11], key_hash=hash_token(raw)
    )
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; the row stays so its name and last use remain visible."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
