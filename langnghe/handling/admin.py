"""Django admin for the handling configuration: routing rules. Saves go through the service, so
the same permission check and audit event apply as in the back office.

ItemEvent and Answer are not registered: they carry item content (sealed for denunciations).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from langnghe.core.errors import ApplicationError

from .config_services import (
    PRIORITY_RANGE,
    RULE_FIELDS,
    can_manage_rule,
    routing_rule_refusal,
    routing_rule_save,
)
from .models import RoutingRule


class RoutingRuleForm(forms.ModelForm):
    request: HttpRequest | None = None

    class Meta:
        model = RoutingRule
        fields = list(RULE_FIELDS)

    def clean(self) -> dict[str, Any]:
        # The service checks the same rule on save; checking it here too keeps a refusal a form
        # error (the user's input kept) instead of an error page.
        data = super().clean() or {}
        user = self.request.user if self.request is not None else None
        target = data.get("target")
        # Target and scope (review H2): every organisation whose items the rule captures.
        if target is not None and "admin_unit" not in self.errors:
            refusal = routing_rule_refusal(user, target=target, admin_unit=data.get("admin_unit"))
            if refusal is not None:
                self.add_error(None, refusal)
        # In clean() the instance still holds the rule as it was saved.
        if self.instance.pk and not can_manage_rule(user, self.instance):
            raise forms.ValidationError(_("Bạn không quản lý quy tắc này."))
        if data.get("active") and target is not None and not target.accepts_items:
            self.add_error("target", _("Đơn vị đích không tiếp nhận ý kiến."))
        priority = data.get("priority")
        if priority is not None and not PRIORITY_RANGE[0] <= priority <= PRIORITY_RANGE[1]:
            self.add_error("priority", _("Mức ưu tiên từ -1000 đến 1000."))
        return data


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = ("name", "topic", "admin_unit", "kind", "target", "priority", "active")
    list_filter = ("active", "kind", "topic", "admin_unit")
    search_fields = ("name", "target__name")
    autocomplete_fields = ("target", "admin_unit")
    ordering = ("-priority", "name")

    def get_form(
        self,
        request: HttpRequest,
        obj: RoutingRule | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def has_delete_permission(self, request: HttpRequest, obj: RoutingRule | None = None) -> bool:
        # Deleting would bypass the service (its scope check and audit) and erase the rule the
        # audit trail refers to: rules are switched off ("active"), not deleted.
        return False

    def save_model(self, request: HttpRequest, obj: RoutingRule, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in RULE_FIELDS if name in form.cleaned_data}
        existing = RoutingRule.objects.get(pk=obj.pk) if change else None
        try:
            saved = routing_rule_save(rule_data=data, actor=request.user, rule=existing)
        except ApplicationError as exc:  # e.g. an inactive target; the form check ran just before
            self.message_user(request, str(exc.message), level="error")
            return
        obj.pk = saved.pk

    def response_add(
        self, request: HttpRequest, obj: RoutingRule, post_url_continue: Any = None
    ) -> Any:
        if obj.pk is None:  # the service refused after all; its message is already shown
            from django.shortcuts import redirect

            return redirect("admin:handling_routingrule_changelist")
        return super().response_add(request, obj, post_url_continue)
