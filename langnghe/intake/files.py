"""Attachment checks and sanitising (DESIGN.md §4). The type is read from the content, not the
name, and the copy staff see is rebuilt so that nothing but the content survives:

- images are decoded and re-encoded as JPEG (EXIF, GPS, XMP, comments and thumbnails go);
- PDFs are rebuilt page by page without annotations, form fields, actions, embedded files,
  XMP or document info, and JPEG images inside them lose their APP segments (EXIF, XMP);
- audio is decoded and re-encoded into a fresh WebM/Opus file holding one mono audio stream and
  no tags; video, cover art, subtitles and every other stream are dropped.

The original is kept sealed (encrypted) with its SHA-256."""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from langnghe.core.errors import IntakeError

from . import vault

if TYPE_CHECKING:
    from PIL import Image as PILImage

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
# Detected type → the FFmpeg demuxer allowed to read it, so a file is parsed only as what its
# content says it is. Everything phones and browsers record: WebM/Opus (Chrome), Ogg/Opus
# (Firefox), MP4/M4A/AAC and 3GP/AMR (iOS and Android recorders), MP3, WAV.
AUDIO_DEMUXERS = {
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/webm": "matroska",
    "video/webm": "matroska",  # browsers record voice notes as WebM
    "video/x-matroska": "matroska",
    "audio/mp4": "mov",
    "video/mp4": "mov",
    "video/x-m4v": "mov",
    "video/quicktime": "mov",
    "video/3gpp": "mov",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "audio/x-flac": "flac",
}
PDF_TYPE = "application/pdf"
ACCEPTED_TYPES = frozenset({*IMAGE_TYPES, *AUDIO_DEMUXERS, PDF_TYPE})

# Images: the most pixels decoded at full size (about 12 MP: 4032×3024 iPhone and 4080×3072
# Pixel photos fit). Larger JPEGs are decoded at 1/2, 1/4 or 1/8 scale (Image.draft) so that no
# more than this is ever held; other formats above it are refused.
MAX_IMAGE_PIXELS = 12_600_000
MAX_IMAGE_SIDE = 2560  # the clean copy's long side at most
MIN_DECODED_SIDE = 1920  # a JPEG is decoded reduced only down to this long side

# Audio: what the clean copy is, and how much work one upload may cost.
AUDIO_CONTENT_TYPE = "audio/webm"
AUDIO_EXTENSION = "webm"
AUDIO_SAMPLE_RATE = 48_000
AUDIO_BIT_RATE = 24_000  # mono Opus: plenty for a voice
MAX_AUDIO_SECONDS = 10 * 60

# PDF page keys kept; everything else on a page (/Annots, /AA, /Metadata, /PieceInfo, /B, /Thumb,
# /StructParents, …) is dropped.
PDF_PAGE_KEYS = frozenset(
    {
        "/Type",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/Rotate",
        "/UserUnit",
        "/Resources",
        "/Contents",
        "/Group",
    }
)
# Keys dropped from every object reachable from a page (resources, form XObjects, images).
PDF_DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/AA", "/Annots", "/OPI", "/LastModified")


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


# --- images ------------------------------------------------------------------------------------


@functools.cache
def _register_heif() -> None:
    from pillow_heif import register_heif_opener

    # Only the main picture: no thumbnails, depth maps or auxiliary images are decoded.
    register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


def _too_big_image() -> IntakeError:
    return _reject(
        _("Ảnh quá lớn (tối đa khoảng %(mp)d triệu điểm ảnh). Vui lòng gửi ảnh nhỏ hơn.")
        % {"mp": MAX_IMAGE_PIXELS // 1_000_000}
    )


def _jpeg_scale(width: int, height: int) -> int | None:
    """The JPEG decoding scale (1, 2, 4 or 8): as much reduction as keeps the long side at least
    MIN_DECODED_SIDE, and at least enough to stay under MAX_IMAGE_PIXELS. None when even 1/8 is
    too many pixels. A 12 MP phone photo is decoded at 1/2 (about 3 MP, 9 MB instead of 36)."""
    for scale in (8, 4, 2, 1):
        if max(width, height) // scale >= MIN_DECODED_SIDE:
            break
    while -(-width // scale) * -(-height // scale) > MAX_IMAGE_PIXELS:
        if scale == 8:
            return None
        scale *= 2
    return scale


def _orient(img: PILImage.Image, orientation: int) -> PILImage.Image:
    from PIL import Image

    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return img.transpose(method) if method is not None else img


def _clean_image(data: bytes, mime: str) -> tuple[bytes, str, str]:
    from PIL import Image

    if mime == "image/heic":
        _register_heif()
    img: Image.Image | None = None
    try:
        with Image.open(io.BytesIO(data)) as source:
            width, height = source.size
            if source.format == "JPEG":
                scale = _jpeg_scale(width, height)
                if scale is None:
                    raise _too_big_image()
                if scale > 1:
                    source.draft(None, (width // scale, height // scale))
            elif width * height > MAX_IMAGE_PIXELS:
                raise _too_big_image()
            orientation = int(source.getexif().get(0x0112, 1) or 1)
            source.load()
            img = source
            if img.mode in ("1", "P", "PA"):  # these would be shrunk nearest-neighbour
                img = img.convert("RGB")
            # Shrink in place first, then convert and rotate the small copy: one full-size
            # picture in memory at a time.
            img.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            img = _orient(img, orientation)
            # Re-encoding keeps only pixels: EXIF (GPS, device), XMP, ICC and comments are dropped
            # (Pillow would copy a JPEG comment over from `info`).
            img.info = {}
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=85, optimize=True)
    except IntakeError:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_big_image() from exc
    except Exception as exc:  # Pillow raises many types for hostile files
        if mime == "image/heic":
            raise _reject(_("Không đọc được ảnh HEIC này. Vui lòng gửi ảnh dạng JPEG.")) from exc
        raise _reject(_("Ảnh bị hỏng hoặc không đọc được.")) from exc
    finally:
        if img is not None:
            img.close()
    return out.getvalue(), "image/jpeg", "jpg"


# --- PDF ---------------------------------------------------------------------------------------


def _strip_jpeg(data: bytes) -> bytes:
    """A JPEG without APP1–APP13/APP15 segments (EXIF, XMP, ICC, Photoshop IRB) and comments.
    APP0 (JFIF) and APP14 (Adobe) are kept: viewers need them to get the colours right."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = bytearray(data[:2])
    i = 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            raise ValueError("bad JPEG marker")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[i:]
            return bytes(out)
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            out += data[i : i + 2]
            i += 2
            continue
        if i + 4 > len(data):
            break
        end = i + 2 + int.from_bytes(data[i + 2 : i + 4], "big")
        if end > len(data):
            break
        if not (0xE1 <= marker <= 0xED or marker in (0xEF, 0xFE)):
            out += data[i:end]
        i = end
    raise ValueError("truncated JPEG")


def _scrub_pdf_objects(start: Any) -> None:
    """Drop metadata keys from every object reachable from `start` (a page), in the reader, before
    it is copied: what is not reachable any more is never copied into the clean file."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    seen: set[int] = set()
    stack = [start]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            obj = obj.get_object()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, DictionaryObject):
            for key in PDF_DROPPED_KEYS:
                obj.pop(key, None)
            if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Image":
                filters = obj.get("/Filter")
                if filters == "/DCTDecode" or (
                    isinstance(filters, ArrayObject) and list(filters) == ["/DCTDecode"]
                ):
                    obj._data = _strip_jpeg(obj._data)
            stack.extend(value for key, value in obj.items() if key not in ("/Parent", "/P"))
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _clean_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _reject(_("Không nhận tệp PDF có mật khẩu."))
        # A new document holding pages only: the catalog's /AcroForm, /Names (embedded files,
        # JavaScript), /OpenAction, /Outlines and XMP /Metadata are never copied.
        writer = PdfWriter()
        for page in reader.pages:
            for key in [key for key in page if key not in PDF_PAGE_KEYS]:
                del page[key]
            _scrub_pdf_objects(page)
            writer.add_page(page)
        writer.metadata = {"/Producer": "Lang Nghe"}  # replaces the whole document info
        out = io.BytesIO()
        writer.write(out)
    except IntakeError:
        raise
    except Exception as exc:
        raise _reject(_("Tệp PDF bị hỏng hoặc không đọc được.")) from exc
    return out.getvalue()


# --- audio -------------------------------------------------------------------------------------


def _audio_too_long() -> IntakeError:
    return _reject(
        _("Ghi âm quá dài (tối đa %(minutes)d phút).") % {"minutes": MAX_AUDIO_SECONDS // 60}
    )


def _clean_audio(data: bytes, demuxer: str) -> bytes:
    """Decode the first audio stream and encode it into a fresh WebM/Opus file. Nothing is copied
    from the input but the sound: no container or stream tags, no other stream."""
    import av

    out = io.BytesIO()
    try:
        with av.open(io.BytesIO(data), "r", format=demuxer, metadata_errors="ignore") as source:
            if not source.streams.audio:
                raise _reject(
                    _("Tệp chỉ có hình, không có tiếng. Không nhận video: hãy gửi ghi âm.")
                )
            if source.duration is not None and source.duration > MAX_AUDIO_SECONDS * 1_000_000:
                raise _audio_too_long()
            audio = source.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_SAMPLE_RATE)
            # bitexact: no library version strings in the output either.
            with av.open(
                out, "w", format="webm", container_options={"fflags": "+bitexact"}
            ) as target:
                opus = target.add_stream(
                    "libopus",
                    rate=AUDIO_SAMPLE_RATE,
                    layout="mono",
                    options={"application": "voip", "flags": "+bitexact"},
                )
                opus.bit_rate = AUDIO_BIT_RATE
                seconds = 0.0
                for packet in source.demux(audio):
                    for frame in packet.decode():
                        seconds += frame.samples / (frame.sample_rate or AUDIO_SAMPLE_RATE)
                        if seconds > MAX_AUDIO_SECONDS:
                            raise _audio_too_long()
                        frame.pts = None  # timing comes from the sample count alone
                        for mono in resampler.resample(frame):
                            target.mux(opus.encode(mono))
                if seconds == 0:
                    raise ValueError("no audio decoded")
                for mono in resampler.resample(None):
                    target.mux(opus.encode(mono))
                target.mux(opus.encode(None))
    except IntakeError:
        raise
    except Exception as exc:  # FFmpeg errors, bad layouts, truncated files…
        raise _reject(_("Tệp ghi âm bị hỏng hoặc không đọc được.")) from exc
    return out.getvalue()


# --- public API --------------------------------------------------------------------------------


def sniff_type(head: bytes) -> str:
    """The MIME type read from the first bytes of a file ("" when unknown). Forms may call it on
    the first 512 bytes to refuse early: a type in ACCEPTED_TYPES is what clean_upload handles."""
    guess = filetype.guess(head)
    if guess:
        return str(guess.mime)
    if head[4:8] == b"ftyp":
        # An ISO-BMFF brand filetype does not list (recorders write iso5, iso6, M4B …): read it
        # as MP4. It is kept only if FFmpeg finds a sound in it.
        return "video/mp4"
    return ""


def clean_upload(data: bytes) -> CleanFile:
    limit = settings.LANGNGHE["MAX_ATTACHMENT_BYTES"]
    if not data:
        raise _reject(_("Tệp đính kèm rỗng."))
    if len(data) > limit:
        raise _reject(
            _("Tệp đính kèm quá lớn (tối đa %(mb)d MB).") % {"mb": limit // (1024 * 1024)}
        )
    mime = sniff_type(data)
    sha = hashlib.sha256(data).hexdigest()
    if mime in IMAGE_TYPES:
        clean, content_type, ext = _clean_image(data, mime)
        kind = "image"
    elif mime == PDF_TYPE:
        clean, content_type, ext, kind = _clean_pdf(data), PDF_TYPE, "pdf", "pdf"
    elif mime in AUDIO_DEMUXERS:
        clean = _clean_audio(data, AUDIO_DEMUXERS[mime])
        content_type, ext, kind = AUDIO_CONTENT_TYPE, AUDIO_EXTENSION, "audio"
    else:
        raise _reject(_("Chỉ nhận ảnh (JPEG, PNG, WebP, HEIC), tệp PDF hoặc ghi âm."))
    return CleanFile(kind, content_type, ext, clean, sha, vault.seal_bytes(data))


def store_sealed(token: bytes) -> str:
    """Keep an encrypted original in the sealed storage (a private directory or bucket)."""
    from langnghe.core.storage import sealed_store

    return sealed_store(token)


def content_file(clean: CleanFile) -> ContentFile:
    return ContentFile(clean.data, name=f"{uuid.uuid4().hex}.{clean.extension}")
