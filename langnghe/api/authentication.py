"""Personal API keys: `Authorization: Api-Key <key>` (or the `X-Api-Key` header)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .services import api_key_user

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        raw = ""
        if header:
            scheme, _sep, value = header.partition(" ")
            if scheme.lower() != KEYWORD.lower():
                return None  # another scheme (Token, Basic) is for another class
            raw = value.strip()
        else:
            raw = request.META.get("HTTP_X_API_KEY", "").strip()
            if not raw:
                return None
        user = api_key_user(raw)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ hoặc đã bị thu hồi."))
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "langnghe.api.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>` (a personal key; `X-Api-Key: <key>` also works).",
        }
