"""Back-office admin for roles and API tokens (tokens are created on the profile page)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from .models import ApiToken, RoleAssignment


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    fields = ["role", "unit"]
    autocomplete_fields = ["unit"]
    extra = 0


class KehoachUserAdmin(UserAdmin[User]):
    inlines = [*UserAdmin.inlines, RoleAssignmentInline]


admin.site.unregister(User)
admin.site.register(User, KehoachUserAdmin)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    # Only the hash is stored and the raw key is shown once on creation, so nothing is editable
    # here except revoking (setting revoked_at).
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
