"""The one place that decides who may see and change what.

Rules (README "Roles"):
- system administrator: everything;
- plan manager at unit U: reads and writes everything in U's subtree, including the whole of every
  plan issued there;
- unit staff at unit U: reads and writes U's subtree, including the task statuses of plans issued
  there; reads the plans of U's ancestors (the plans that apply to U) and may change a task of such
  a plan only where a unit of its subtree is named as the task's lead.
Outside that, objects do not exist for the user (404); visible but read-only objects answer 403 to
writes. Views and API endpoints call the per-noun helpers in each app, which call this module.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet

from kehoach.units.models import Unit

from .models import Role, RoleAssignment

if TYPE_CHECKING:
    from kehoach.plans.models import Plan

_CACHE_ATTR = "_kehoach_scope"


@dataclass(frozen=True)
class Scope:
    """What one user reaches in the unit tree, computed once per request."""

    is_admin: bool = False
    staff_paths: tuple[str, ...] = ()
    manager_paths: tuple[str, ...] = ()
    unit_ids: tuple[int, ...] = ()
    ancestor_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def paths(self) -> tuple[str, ...]:
        return self.staff_paths + self.manager_paths

    @property
    def is_anonymous(self) -> bool:
        return not self.is_admin and not self.paths

    def covers(self, unit: Unit | None) -> bool:
        """True when the unit is inside one of the user's subtrees (read and write)."""
        if self.is_admin:
            return True
        return bool(unit) and any(unit.path.startswith(p) for p in self.paths)  # type: ignore[union-attr]

    def manages(self, unit: Unit | None) -> bool:
        """True when the user may edit whole plans issued by this unit."""
        if self.is_admin:
            return True
        return bool(unit) and any(unit.path.startswith(p) for p in self.manager_paths)  # type: ignore[union-attr]

    def sees_from_below(self, unit: Unit | None) -> bool:
        """True when the unit is an ancestor of the user's units: its plans apply to the user."""
        return bool(unit) and unit.pk in self.ancestor_ids  # type: ignore[union-attr]

    def subtree_q(self, path_field: str) -> Q:
        """A filter for objects whose unit (at `path_field`, e.g. "unit__path") is covered."""
        if self.is_admin:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        condition = Q()
        for prefix in self.paths:
            condition |= Q(**{f"{path_field}__startswith": prefix})
        return condition

    def filter(self, queryset: QuerySet[Model], path_field: str) -> QuerySet[Model]:
        return queryset.filter(self.subtree_q(path_field))


def scope_for(user: AbstractBaseUser | AnonymousUser) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    assignments = list(RoleAssignment.objects.filter(user_id=user.pk).select_related("unit"))
    is_admin = getattr(user, "is_superuser", False) or any(
        a.role == Role.ADMIN for a in assignments
    )
    staff = tuple(a.unit.path for a in assignments if a.role == Role.UNIT_STAFF and a.unit)
    managers = tuple(a.unit.path for a in assignments if a.role == Role.PLAN_MANAGER and a.unit)
    units = tuple(a.unit_id for a in assignments if a.unit_id)
    ancestors = frozenset(
        int(part) for path in staff + managers for part in path.strip("/").split("/")[:-1]
    )
    scope = Scope(
        is_admin=is_admin,
        staff_paths=staff,
        manager_paths=managers,
        unit_ids=units,
        ancestor_ids=ancestors,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def readable_units(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    """Units a user may open: their subtrees and the chain of units above them."""
    scope = scope_for(user)
    if scope.is_admin:
        return Unit.objects.all()
    return Unit.objects.filter(scope.subtree_q("path") | Q(pk__in=scope.ancestor_ids))


def writable_units(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    scope = scope_for(user)
    return Unit.objects.filter(scope.subtree_q("path"))


def plan_visibility_q(user: AbstractBaseUser | AnonymousUser, *, issuer_field: str) -> Q:
    """Plans a user sees: issued inside their subtrees, or by a unit above them (plans that
    apply to them). A sibling commune's own plans stay invisible."""
    scope = scope_for(user)
    if scope.is_admin:
        return Q()
    return scope.subtree_q(f"{issuer_field}__path") | Q(
        **{f"{issuer_field}__in": scope.ancestor_ids}
    )


def can_read_plan_of(user: AbstractBaseUser | AnonymousUser, issuer: Unit) -> bool:
    scope = scope_for(user)
    return scope.covers(issuer) or scope.sees_from_below(issuer)


def can_edit_plan_of(user: AbstractBaseUser | AnonymousUser, issuer: Unit) -> bool:
    return scope_for(user).manages(issuer)


def can_change_task(
    user: AbstractBaseUser | AnonymousUser, issuer: Unit, lead_units: list[Unit]
) -> bool:
    """Plan managers change every task, staff every task of their own unit's plans; staff of
    other units only the tasks their units lead by name."""
    scope = scope_for(user)
    if scope.manages(issuer) or scope.covers(issuer):
        return True
    return any(scope.covers(unit) for unit in lead_units)


def can_read_unit(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    scope = scope_for(user)
    return scope.covers(unit) or scope.sees_from_below(unit)


def can_write_unit(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    return scope_for(user).covers(unit)


def can_merge_units(user: AbstractBaseUser | AnonymousUser) -> bool:
    return scope_for(user).is_admin


# Periodic reports: a unit's staff write and send its report; the receiving unit's staff review it.


def can_read_report(
    user: AbstractBaseUser | AnonymousUser, unit: Unit, receiver: Unit | None
) -> bool:
    scope = scope_for(user)
    return scope.covers(unit) or (receiver is not None and scope.covers(receiver))


def can_edit_report(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    return scope_for(user).covers(unit)


def can_review_report(user: AbstractBaseUser | AnonymousUser, receiver: Unit | None) -> bool:
    return receiver is not None and scope_for(user).covers(receiver)


# Monitoring of public news: a source belongs to the unit whose staff configure it and review
# what it brings; the units above it read it too. Stories, articles, matches and bulletins are
# reached through the sources the user reads (kehoach/monitoring/selectors.py).


def can_read_source(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    scope = scope_for(user)
    return scope.covers(unit) or scope.sees_from_below(unit)


def source_visibility_q(
    user: AbstractBaseUser | AnonymousUser, *, unit_field: str, write: bool = False
) -> Q:
    """Sources (at `unit_field`, e.g. "source__unit") a user reads, or with write manages."""
    scope = scope_for(user)
    if scope.is_admin:
        return Q()
    covered = scope.subtree_q(f"{unit_field}__path")
    return covered if write else covered | Q(**{f"{unit_field}__in": scope.ancestor_ids})


def can_manage_source(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Configure the source and decide about what it brought (reviews, bulletins)."""
    return scope_for(user).covers(unit)


def can_manage_fact_checks(
    user: AbstractBaseUser | AnonymousUser, source_units: Iterable[Unit]
) -> bool:
    """Fact-checks are shared by every unit; those who manage a news source keep them."""
    scope = scope_for(user)
    return scope.is_admin or any(scope.covers(unit) for unit in source_units)


def can_issue_bulletin(
    user: AbstractBaseUser | AnonymousUser,
    issuer: Unit,
    lead_units: list[Unit],
    source_units: Iterable[Unit],
) -> bool:
    """A monitoring bulletin of a plan is a record of one of its tasks: the plan's managers issue
    it, or staff who may record on the task and keep a news source under the plan's issuer."""
    scope = scope_for(user)
    if scope.manages(issuer):
        return True
    return can_change_task(user, issuer, lead_units) and any(
        scope.covers(unit) for unit in source_units
    )


def can_delete_fact_check(
    user: AbstractBaseUser | AnonymousUser, created_by_id: int | None
) -> bool:
    """Fact-checks are shared by every unit: only whoever entered one (or an administrator)
    deletes it."""
    scope = scope_for(user)
    return scope.is_admin or (created_by_id is not None and created_by_id == user.pk)


# Publishing (issue 7): staff who record for a unit draft the public page of its products; the
# managers of the plan's issuing unit approve, withdraw and reopen (kehoach/publishing).


def can_draft_publication(user: AbstractBaseUser | AnonymousUser, unit: Unit) -> bool:
    """Draft (create, edit while a draft) a publication of this unit's records."""
    return scope_for(user).covers(unit)


def can_approve_publication(user: AbstractBaseUser | AnonymousUser, plan: "Plan") -> bool:
    """Approve, withdraw, reopen and correct a publication of this plan: its issuer's plan
    managers (and administrators)."""
    return scope_for(user).manages(plan.issuer)


def publication_visibility_q(
    user: AbstractBaseUser | AnonymousUser,
    *,
    unit_field: str = "unit",
    issuer_field: str = "plan__issuer",
) -> Q:
    """Publications a user sees on the staff pages: of units in their subtrees, or of plans
    issued there (what they may approve)."""
    scope = scope_for(user)
    if scope.is_admin:
        return Q()
    return scope.subtree_q(f"{unit_field}__path") | scope.subtree_q(f"{issuer_field}__path")


def publication_approval_q(
    user: AbstractBaseUser | AnonymousUser, *, issuer_field: str = "plan__issuer"
) -> Q:
    """Publications whose plan the user may approve (the other half of can_approve_publication,
    as a filter)."""
    scope = scope_for(user)
    if scope.is_admin:
        return Q()
    if not scope.manager_paths:
        return Q(pk__in=[])
    condition = Q()
    for prefix in scope.manager_paths:
        condition |= Q(**{f"{issuer_field}__path__startswith": prefix})
    return condition


def audit_visibility_q(user: AbstractBaseUser | AnonymousUser, *, unit_field: str) -> Q:
    """Audit entries a user reads: those of objects in their subtrees (administrators: all,
    including entries of no unit — accounts, conventions, fact-checks)."""
    scope = scope_for(user)
    if scope.is_admin:
        return Q()
    return scope.subtree_q(f"{unit_field}__path")


def can_read_audit(user: AbstractBaseUser | AnonymousUser) -> bool:
    scope = scope_for(user)
    return scope.is_admin or bool(scope.paths)
