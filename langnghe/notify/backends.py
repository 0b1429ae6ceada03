"""SMS backends, pluggable like Django's e-mail backends. Development writes messages to files.

A deployment plugs its SMS gateway in with LANGNGHE_SMS_BACKEND, the dotted path of a subclass of
`BaseSMSBackend` that implements `send`. The file and console back-ends write the citizen's phone
number in clear (`writes_in_clear`); outside development the deployment check refuses them unless
LANGNGHE_ALLOW_FILE_NOTIFICATIONS=1 (langnghe.notify.checks).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string


class BaseSMSBackend:
    # True for back-ends that store or print the number and text instead of delivering them.
    writes_in_clear: ClassVar[bool] = False

    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class FileSMSBackend(BaseSMSBackend):
    writes_in_clear = True

    def send(self, *, to: str, body: str) -> None:
        folder = Path(str(settings.LANGNGHE["SMS_FILE_PATH"]))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
        (folder / f"{stamp}-{uuid.uuid4().hex[:8]}.txt").write_text(
            f"To: {to}\n\n{body}\n", encoding="utf-8"
        )


class ConsoleSMSBackend(BaseSMSBackend):
    writes_in_clear = True

    def send(self, *, to: str, body: str) -> None:
        print(f"SMS to {to}: {body}")  # noqa: T201


class MemorySMSBackend(BaseSMSBackend):
    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, *, to: str, body: str) -> None:
        self.outbox.append({"to": to, "body": body})


def get_sms_backend() -> BaseSMSBackend:
    return import_string(str(settings.LANGNGHE["SMS_BACKEND"]))()
