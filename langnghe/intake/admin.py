"""Django admin for intake configuration only: topics and the 27 manifestations.

Items, attachments and ReporterIdentity (the vault) are deliberately NOT registered: the
administrator configures the system and has no access to sealed content by default (DESIGN.md §2,
§4). Staff read items through the back office, where the handling rules apply.
"""

from __future__ import annotations

from django.contrib import admin

from .models import DegradationIndicator, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name_vi", "name_en", "code", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("name_vi", "name_en", "code")
    ordering = ("order", "name_vi")


@admin.register(DegradationIndicator)
class DegradationIndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "group", "number", "text_vi", "verified")
    list_filter = ("group", "verified")
    search_fields = ("code", "text_vi")
    ordering = ("group", "number")
