"""Blank public forms rendered once per language, with the visitor's CSRF token put in.

The submission form lists every commune, topic, receiving organisation, cadre and the 27
manifestations; rendering it through Django's form templates costs ten bare pages. The blank
form is the same for every visitor but for the CSRF token, so it is rendered with a placeholder,
kept in the cache as long as the lists it shows (`selectors.CHOICES_TTL`), and each response gets
the visitor's own token.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from .selectors import CHOICES_TTL

TTL_SECONDS = CHOICES_TTL
CSRF_PLACEHOLDER = "csrf-placeholder-0c9f3e"


def key(form: str) -> str:
    return f"portal:blank-form:{form}:{get_language() or settings.LANGUAGE_CODE}"


def with_token(html: str, request: HttpRequest) -> str:
    return html.replace(CSRF_PLACEHOLDER, get_token(request))
