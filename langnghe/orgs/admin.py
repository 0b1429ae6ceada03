"""Django admin for configuration: the organisation tree, successions, people, role grants and the
gazetteer. Nothing here shows item content or reporter identities."""

from __future__ import annotations

from typing import Any

import rules
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from langnghe.core.errors import ApplicationError
from langnghe.search.text import fold

from .models import PATH_STEP, AdminUnit, Organisation, Person, Position, RoleGrant, Succession
from .services import role_grant_add, role_grant_check, role_grant_remove, succession_apply


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "scheme",
        "level",
        "parent",
        "valid_from",
        "valid_to",
        "successor",
    )
    list_filter = ("scheme", "level")
    search_fields = ("name", "name_folded", "code")
    autocomplete_fields = ("parent", "successor")
    readonly_fields = ("name_folded",)
    ordering = ("scheme", "level", "name")

    def save_model(self, request: HttpRequest, obj: AdminUnit, form: Any, change: bool) -> None:
        obj.name_folded = fold(obj.name)  # the diacritic-insensitive search reads this column
        super().save_model(request, obj, form, change)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "title", "role", "valid_from", "valid_to")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "tree_name",
        "short_name",
        "kind",
        "level",
        "valid_from",
        "valid_to",
        "remote_area",
        "accepts_items",
    )
    list_filter = ("kind", "level", "remote_area", "accepts_items")
    search_fields = ("name", "short_name", "slug")
    ordering = ("path",)
    autocomplete_fields = ("parent", "admin_unit")
    readonly_fields = ("path",)
    list_per_page = 200

    @admin.display(description=_("tên"), ordering="path")
    def tree_name(self, obj: Organisation) -> str:
        depth = max(len(obj.path) // (PATH_STEP + 1) - 1, 0)
        return format_html('<span style="padding-left:{}em">{}</span>', depth * 1.5, obj.name)

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        # `path` is derived from the parent once, at creation; moving a subtree is a succession
        # (a new organisation), never an edit of the parent field.
        if obj is not None:
            return (*self.readonly_fields, "parent")
        return self.readonly_fields


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = (
        "predecessor",
        "successor",
        "kind",
        "effective_date",
        "legal_basis",
        "applied_at",
    )
    list_filter = ("kind", "effective_date", ("applied_at", admin.EmptyFieldListFilter))
    search_fields = ("predecessor__name", "successor__name", "legal_basis")
    autocomplete_fields = ("predecessor", "successor")
    readonly_fields = ("applied_at",)
    actions = ["apply_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Succession | None = None) -> Any:
        if obj is not None and obj.applied_at is not None:  # an applied succession is history
            return (
                "kind",
                "predecessor",
                "successor",
                "effective_date",
                "legal_basis",
                "applied_at",
            )
        return self.readonly_fields

    @admin.action(description=_("Áp dụng: chuyển ý kiến đang xử lý sang đơn vị kế thừa (RS-9)"))
    def apply_selected(self, request: HttpRequest, queryset: QuerySet[Succession]) -> None:
        for succession in queryset.order_by("effective_date", "pk"):
            try:
                result = succession_apply(succession=succession, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{succession}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(s)s: đã chuyển %(n)d ý kiến; %(left)d ý kiến cần phân công lại.")
                % {"s": succession, "n": len(result.moved), "left": len(result.left)},
                messages.SUCCESS,
            )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "user", "is_party_member", "public_profile")
    list_filter = ("is_party_member", "public_profile")
    search_fields = ("full_name", "name_folded", "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("name_folded",)
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("person", "title", "role", "organisation", "valid_from", "valid_to")
    list_filter = ("role", "organisation__kind", "organisation__level")
    search_fields = ("person__full_name", "person__name_folded", "title", "organisation__name")
    autocomplete_fields = ("person", "organisation")


class RoleGrantForm(forms.ModelForm):
    """Checks the grant with the service's rules (review M10) so a refusal is a form error with
    the input kept; ``RoleGrantAdmin.save_model`` then saves through the service."""

    request: HttpRequest | None = None

    class Meta:
        model = RoleGrant
        fields = ["user", "role", "organisation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(name) is not None for name in ("user", "organisation", "role")):
            try:
                role_grant_check(
                    user=data["user"],
                    organisation=data["organisation"],
                    role=data["role"],
                    actor=self.request.user if self.request is not None else None,
                )
            except ApplicationError as exc:
                raise forms.ValidationError(str(exc.message))
        return data


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Role grants open sealed content, so every change goes through role_grant_add /
    role_grant_remove: permission by the grant tree (not is_superuser), no self-grants, and an
    AuditEvent. A grant is never edited in place: remove it and add the new one."""

    form = RoleGrantForm
    list_display = ("user", "role", "organisation")
    list_filter = ("role", "organisation__level", "organisation__kind")
    search_fields = ("user__username", "user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")

    def get_form(
        self,
        request: HttpRequest,
        obj: RoleGrant | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def has_change_permission(self, request: HttpRequest, obj: RoleGrant | None = None) -> bool:
        return False  # an edit would change who holds what without the service; remove + add

    def has_delete_permission(self, request: HttpRequest, obj: RoleGrant | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or rules.has_perm("orgs.revoke_role", request.user, obj)

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        if change:  # unreachable (has_change_permission), kept as a guard
            raise PermissionDenied
        try:
            saved = role_grant_add(
                user=obj.user, organisation=obj.organisation, role=obj.role, actor=request.user
            )
        except ApplicationError as exc:  # the form checked just before; a race or a refusal
            self.message_user(request, str(exc.message), messages.ERROR)
            return
        obj.pk = saved.pk

    def log_addition(self, request: HttpRequest, obj: RoleGrant, message: Any) -> Any:
        if obj.pk is None:  # refused by the service: nothing was added
            return None
        return super().log_addition(request, obj, message)

    def response_add(
        self, request: HttpRequest, obj: RoleGrant, post_url_continue: Any = None
    ) -> HttpResponse:
        if obj.pk is None:  # refused; the service's message is already shown
            return HttpResponseRedirect(reverse("admin:orgs_rolegrant_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Django logs before deleting: log only what the service will allow. (The delete view
        # itself passes a list, so a list is fine here whatever the stubs say.)
        allowed = [g for g in queryset if rules.has_perm("orgs.revoke_role", request.user, g)]
        return super().log_deletions(request, allowed) if allowed else None  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        try:
            role_grant_remove(grant=obj, actor=request.user)
        except ApplicationError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
            request._langnghe_grant_refused = True  # type: ignore[attr-defined]

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        if getattr(request, "_langnghe_grant_refused", False):
            return HttpResponseRedirect(reverse("admin:orgs_rolegrant_changelist"))
        return super().response_delete(request, obj_display, obj_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        for grant in queryset.select_related("user", "organisation"):
            try:
                role_grant_remove(grant=grant, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{grant}: {exc.message}", messages.ERROR)
