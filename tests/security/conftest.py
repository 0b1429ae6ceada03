from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from langnghe.orgs.models import Role

# The browser test's fixtures (Chromium through Playwright, imported lazily).
from ..browser.fixtures import browser, new_page, screenshots  # noqa: F401
from ..factories import person, user


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the staff member's phone shows now (or a step later: a code is accepted once)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def handler(tree):
    account = user("xuly", grants=[(tree.commune, Role.HANDLER)])
    person("Trần Lan", user_account=account, org=tree.commune)
    return account


@pytest.fixture
def enrolled(handler):
    """The handler with a confirmed TOTP device."""
    return handler, TOTPDevice.objects.create(user=handler, name="default", confirmed=True)
