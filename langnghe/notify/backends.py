"""SMS backends, pluggable like Django's e-mail backends. Development writes messages to files."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string


class BaseSMSBackend:
    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class FileSMSBackend(BaseSMSBackend):
    def send(self, *, to: str, body: str) -> None:
        folder = Path(str(settings.LANGNGHE["SMS_FILE_PATH"]))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
        (folder / f"{stamp}-{uuid.uuid4().hex[:8]}.txt").write_text(
            f"To: {to}\n\n{body}\n", encoding="utf-8"
        )


class ConsoleSMSBackend(BaseSMSBackend):
    def send(self, *, to: str, body: str) -> None:
        print(f"SMS to {to}: {body}")  # noqa: T201


class MemorySMSBackend(BaseSMSBackend):
    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, *, to: str, body: str) -> None:
        self.outbox.append({"to": to, "body": body})


def get_sms_backend() -> BaseSMSBackend:
    return import_string(str(settings.LANGNGHE["SMS_BACKEND"]))()
