"""Attachment checks and sanitising: the type is read from the content, not the name; images are
re-encoded without metadata, PDFs are rewritten without document info, audio tags are dropped.
The original is kept sealed (encrypted) with its SHA-256 (DESIGN.md §4)."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from langnghe.core.errors import IntakeError

from . import vault

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
AUDIO_TYPES = {
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/webm": "webm",
    "video/webm": "webm",  # browsers record voice notes as WebM
    "audio/mp4": "m4a",
    "video/mp4": "m4a",
    "audio/aac": "aac",
    "audio/amr": "amr",
}
PDF_TYPE = "application/pdf"
MAX_IMAGE_PIXELS = 40_000_000


@dataclass
class CleanFile:
    kind: str
    content_type: str
    extension: str
    data: bytes
    original_sha256: str
    sealed_token: bytes


def _reject(message: object) -> IntakeError:
    return IntakeError(IntakeError.BAD_ATTACHMENT, message)  # type: ignore[arg-type]


def _clean_image(data: bytes, mime: str) -> tuple[bytes, str, str]:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as source:
            img: Image.Image = ImageOps.exif_transpose(source)
            img.load()
            out = io.BytesIO()
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            # Re-encoding keeps only pixels: EXIF (GPS, device), XMP and comments are dropped.
            img.thumbnail((2560, 2560))
            img.save(out, format="JPEG", quality=85, optimize=True)
    except Exception as exc:  # Pillow raises many types for hostile files
        raise _reject(_("Ảnh bị hỏng hoặc không đọc được.")) from exc
    return out.getvalue(), "image/jpeg", "jpg"


def _clean_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _reject(_("Không nhận tệp PDF có mật khẩu."))
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.add_metadata({"/Producer": "Lang Nghe"})
        out = io.BytesIO()
        writer.write(out)
    except IntakeError:
        raise
    except Exception as exc:
        raise _reject(_("Tệp PDF bị hỏng hoặc không đọc được.")) from exc
    return out.getvalue()


def _clean_audio(data: bytes, extension: str) -> bytes:
    import tempfile

    import mutagen

    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            audio = mutagen.File(tmp.name)
            if audio is not None and audio.tags is not None:
                audio.delete()
                audio.save()
        except Exception:  # noqa: S110 — containers mutagen cannot rewrite carry no tags we know of
            pass
        return Path(tmp.name).read_bytes()


def clean_upload(data: bytes) -> CleanFile:
    limit = settings.LANGNGHE["MAX_ATTACHMENT_BYTES"]
    if not data:
        raise _reject(_("Tệp đính kèm rỗng."))
    if len(data) > limit:
        raise _reject(
            _("Tệp đính kèm quá lớn (tối đa %(mb)d MB).") % {"mb": limit // (1024 * 1024)}
        )
    guess = filetype.guess(data)
    mime = guess.mime if guess else ""
    sha = hashlib.sha256(data).hexdigest()
    if mime in IMAGE_TYPES:
        clean, content_type, ext = _clean_image(data, mime)
        kind = "image"
    elif mime == PDF_TYPE:
        clean, content_type, ext, kind = _clean_pdf(data), PDF_TYPE, "pdf", "pdf"
    elif mime in AUDIO_TYPES:
        ext = AUDIO_TYPES[mime]
        clean, content_type, kind = _clean_audio(data, ext), mime, "audio"
    else:
        raise _reject(_("Chỉ nhận ảnh (JPEG, PNG, WebP), tệp PDF hoặc ghi âm."))
    return CleanFile(kind, content_type, ext, clean, sha, vault.seal_bytes(data))


def store_sealed(token: bytes) -> str:
    root = Path(settings.SEALED_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.sealed"
    (root / name).write_bytes(token)
    return name


def content_file(clean: CleanFile) -> ContentFile:
    return ContentFile(clean.data, name=f"{uuid.uuid4().hex}.{clean.extension}")
