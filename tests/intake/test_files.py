"""Attachment sanitising (DESIGN.md §4): a name planted in the metadata of every format a citizen
may send must not survive in the copy staff see, and the copy must still be readable."""

from __future__ import annotations

import io
import math
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from langnghe.core.errors import IntakeError
from langnghe.intake import files
from langnghe.intake.files import clean_upload

NAME = "Tran Thi Bich"
SPOTS = "+10.7626+106.6602/"  # GPS as phones write it (©xyz, location)


def _absent(data: bytes) -> bool:
    return (
        all(
            NAME.encode(enc) not in data and NAME.upper().encode(enc) not in data
            for enc in ("ascii", "utf-16-le", "utf-16-be")
        )
        and SPOTS.encode() not in data
    )


# --- audio -------------------------------------------------------------------------------------


class _Unseekable(io.RawIOBase):
    """A write-only sink: muxers then write as a live recorder does (no duration, no cues)."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.buffer += bytes(data)
        return len(data)


def media(
    fmt: str,
    codec: str,
    *,
    rate: int = 44_100,
    seconds: float = 1.0,
    tags: dict[str, str] | None = None,
    stream_tags: dict[str, str] | None = None,
    video: bool = False,
    audio: bool = True,
    seekable: bool = True,
) -> bytes:
    """A sine wave (and optionally a small video) muxed with PyAV, tags planted."""
    sink: io.BytesIO | _Unseekable = io.BytesIO() if seekable else _Unseekable()
    with av.open(sink, "w", format=fmt) as out:
        out.metadata.update(tags or {})
        sound = out.add_stream(codec, rate=rate, layout="mono") if audio else None
        picture = out.add_stream("libvpx" if fmt == "webm" else "mpeg4", rate=10) if video else None
        for stream in (sound, picture):
            if stream is not None:
                stream.metadata.update(stream_tags or {})
        if picture is not None:
            picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        if sound is not None:
            count = int(seconds * rate)
            wave = np.sin(2 * math.pi * 440 * np.arange(count) / rate) * 0.3 * 32767
            samples = wave.astype(np.int16)
            for start in range(0, count, 1024):
                frame = av.AudioFrame.from_ndarray(
                    samples[start : start + 1024].reshape(1, -1), format="s16", layout="mono"
                )
                frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
                out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
        if picture is not None:
            for i in range(int(seconds * 10)):
                image = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
                image.pts = i
                out.mux(picture.encode(image))
            out.mux(picture.encode(None))
    return sink.getvalue() if isinstance(sink, io.BytesIO) else bytes(sink.buffer)


TAGS = {"title": NAME, "artist": NAME, "comment": NAME}

AUDIO_INPUTS = {
    # RIFF LIST/INFO: IART, INAM, ICMT
    "wav": lambda: media("wav", "pcm_s16le", tags=TAGS),
    # iOS / Android: AAC in MP4 with udta tags and a video track (a phone video)
    "mp4-with-video": lambda: media(
        "mp4", "aac", tags=TAGS, stream_tags={"handler_name": NAME}, video=True
    ),
    # iPhone video: QuickTime with the GPS ©xyz atom
    "mov-with-video-and-gps": lambda: media(
        "mov", "aac", tags={**TAGS, "location": SPOTS}, video=True
    ),
    "m4a": lambda: media("ipod", "aac", tags=TAGS),
    "3gp": lambda: media("3gp", "aac", tags=TAGS),
    # Chrome MediaRecorder: WebM/Opus, written live (no duration)
    "webm": lambda: media(
        "webm", "libopus", rate=48_000, tags=TAGS, stream_tags={"title": NAME}, seekable=False
    ),
    "webm-with-video": lambda: media(
        "webm", "libopus", rate=48_000, tags=TAGS, stream_tags={"title": NAME}, video=True
    ),
    # Firefox: Ogg/Opus with an OpusTags comment
    "ogg": lambda: media("ogg", "libopus", rate=48_000, tags=TAGS),
    "mp3": lambda: media("mp3", "libmp3lame", tags=TAGS),
    "amr": lambda: media("amr", "libopencore_amrnb", rate=8_000),
}


def _decode(data: bytes) -> tuple[av.container.InputContainer, int]:
    container = av.open(io.BytesIO(data))
    samples = sum(frame.samples for frame in container.decode(audio=0))
    return container, samples


@pytest.mark.parametrize("name", list(AUDIO_INPUTS))
def test_audio_is_rebuilt_as_tagless_opus_with_one_audio_stream(name):
    if name == "amr" and "libopencore_amrnb" not in av.codecs_available:
        pytest.skip("this FFmpeg build cannot write AMR")
    data = AUDIO_INPUTS[name]()
    if name != "amr":
        assert not _absent(data)  # the name really is planted
    clean = clean_upload(data)
    assert (clean.kind, clean.content_type, clean.extension) == ("audio", "audio/webm", "webm")
    assert _absent(clean.data)
    container, samples = _decode(clean.data)
    with container:
        assert container.format.name == "matroska,webm"
        assert [s.type for s in container.streams] == ["audio"]
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.codec_context.channels == 1
        assert not set(container.metadata) - {"encoder"}
        assert not set(stream.metadata) - {"DURATION", "duration"}
        assert all(NAME not in value for value in container.metadata.values())
    assert 0.9 * 48_000 < samples < 1.2 * 48_000  # the whole second of sound is kept
    assert len(clean.data) < 16_000  # mono ~24 kbit/s


def test_a_phone_video_keeps_only_its_sound():
    data = AUDIO_INPUTS["mov-with-video-and-gps"]()
    assert b"\xa9xyz" in data and SPOTS.encode() in data
    with av.open(io.BytesIO(data)) as source:
        assert {s.type for s in source.streams} == {"audio", "video"}
    container, _ = _decode(clean_upload(data).data)
    with container:
        assert not container.streams.video and len(container.streams.audio) == 1


def test_an_mp4_with_an_unlisted_brand_is_read_as_audio():
    data = bytearray(media("mp4", "aac", tags=TAGS))
    assert data[4:8] == b"ftyp"
    end = int.from_bytes(data[:4], "big")
    data[8:end] = b"iso5\x00\x00\x02\x00" + b"iso6" * ((end - 16) // 4)
    clean = clean_upload(bytes(data))
    assert clean.content_type == "audio/webm" and _absent(clean.data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: media("mp4", "", audio=False, video=True, tags=TAGS), id="mp4"),
        pytest.param(lambda: media("webm", "", audio=False, video=True), id="webm"),
    ],
)
def test_a_video_without_sound_is_refused(data):
    with pytest.raises(IntakeError) as err:
        clean_upload(data())
    assert err.value.code == IntakeError.BAD_ATTACHMENT
    assert "video" in str(err.value.message)


@pytest.mark.parametrize("seekable", [True, False], ids=["duration-known", "live-recording"])
def test_long_recordings_are_refused(monkeypatch, seekable):
    monkeypatch.setattr(files, "MAX_AUDIO_SECONDS", 1)
    data = media("webm", "libopus", rate=48_000, seconds=2.5, seekable=seekable)
    with pytest.raises(IntakeError) as err:
        clean_upload(data)
    assert "quá dài" in str(err.value.message)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: media("wav", "pcm_s16le")[:44] + b"\x00" * 8, id="wav-header-only"),
        pytest.param(lambda: media("ogg", "libopus", rate=48_000)[:400], id="ogg-cut"),
        pytest.param(lambda: media("webm", "libopus", rate=48_000)[:300], id="webm-cut"),
        pytest.param(lambda: b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff" * 500, id="mp3-junk"),
    ],
)
def test_broken_recordings_are_refused_with_a_message(data):
    with pytest.raises(IntakeError) as err:
        clean_upload(data())
    assert err.value.code == IntakeError.BAD_ATTACHMENT and str(err.value.message)


# --- PDF ---------------------------------------------------------------------------------------


def jpeg_with_exif(size: tuple[int, int] = (40, 30), orientation: int = 1) -> bytes:
    img = Image.new("RGB", size, "red")
    img.paste("blue", (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (14.0, 24.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif, comment=NAME.encode())
    return out.getvalue()


def pdf_with_everything() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    def name(value: str) -> NameObject:
        return NameObject(value)

    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    image = DecodedStreamObject()
    image.update(
        {
            name("/Type"): name("/XObject"),
            name("/Subtype"): name("/Image"),
            name("/Width"): NumberObject(40),
            name("/Height"): NumberObject(30),
            name("/ColorSpace"): name("/DeviceRGB"),
            name("/BitsPerComponent"): NumberObject(8),
            name("/Filter"): name("/DCTDecode"),
        }
    )
    image.set_data(jpeg_with_exif())
    xmp = DecodedStreamObject()
    xmp.update({name("/Type"): name("/Metadata"), name("/Subtype"): name("/XML")})
    xmp.set_data(f"<x:xmpmeta><dc:creator>{NAME}</dc:creator></x:xmpmeta>".encode())
    font = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/Type1"),
            name("/BaseFont"): name("/Helvetica"),
        }
    )
    page[name("/Resources")] = DictionaryObject(
        {
            name("/Font"): DictionaryObject({name("/F1"): writer._add_object(font)}),
            name("/XObject"): DictionaryObject({name("/Im0"): writer._add_object(image)}),
        }
    )
    content = DecodedStreamObject()
    content.set_data(
        b"BT /F1 14 Tf 20 150 Td (Don kien nghi ve duong lang) Tj ET q 40 0 0 30 20 20 cm /Im0 Do Q"
    )
    page[name("/Contents")] = writer._add_object(content)
    page[name("/Metadata")] = writer._add_object(xmp)
    page[name("/PieceInfo")] = DictionaryObject(
        {name("/Editor"): DictionaryObject({name("/Private"): TextStringObject(NAME)})}
    )
    js = DictionaryObject({name("/S"): name("/JavaScript"), name("/JS"): TextStringObject(NAME)})
    page[name("/AA")] = DictionaryObject({name("/O"): js})
    rect = ArrayObject([FloatObject(10), FloatObject(10), FloatObject(50), FloatObject(50)])
    writer.add_annotation(
        0,
        DictionaryObject(
            {
                name("/Type"): name("/Annot"),
                name("/Subtype"): name("/Text"),
                name("/Rect"): rect,
                name("/T"): TextStringObject(NAME),
                name("/Contents"): TextStringObject("Ghi chu"),
            }
        ),
    )
    writer.add_attachment("nguoi-gui.txt", f"Nguoi gui: {NAME}".encode())
    writer.add_metadata({"/Author": NAME, "/Title": NAME})
    writer.xmp_metadata = f"<x:xmpmeta><dc:creator>{NAME}</dc:creator></x:xmpmeta>".encode()
    writer._root_object[name("/OpenAction")] = writer._add_object(
        DictionaryObject({name("/S"): name("/JavaScript"), name("/JS"): TextStringObject(NAME)})
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_everything(data: bytes) -> bytes:
    """The file's bytes plus every stream decoded (a name could hide in a compressed stream)."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(io.BytesIO(data))
    parts = [data]
    for idnum in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(idnum)
        except Exception:  # noqa: S112 — free entries
            continue
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data())
    return b"".join(parts)


def test_pdf_is_rebuilt_without_annotations_forms_files_or_metadata():
    from pypdf import PdfReader

    data = pdf_with_everything()
    source = PdfReader(io.BytesIO(data))
    assert source.attachments and source.pages[0]["/Annots"] and not _absent(data)

    clean = clean_upload(data)
    assert (clean.kind, clean.content_type, clean.extension) == ("pdf", "application/pdf", "pdf")
    assert _absent(_pdf_everything(clean.data))
    reader = PdfReader(io.BytesIO(clean.data))
    root = reader.trailer["/Root"]
    for key in ("/AcroForm", "/Names", "/OpenAction", "/Metadata", "/Outlines"):
        assert key not in root
    page = reader.pages[0]
    for key in ("/Annots", "/AA", "/Metadata", "/PieceInfo"):
        assert key not in page
    assert dict(reader.metadata or {}) == {"/Producer": "Lang Nghe"}
    assert not reader.attachments
    # The letter is still readable: text and the scanned image survive.
    assert "Don kien nghi ve duong lang" in page.extract_text()
    (picture,) = page.images
    assert picture.image is not None and picture.image.size == (40, 30)
    assert not picture.image.getexif()


def test_encrypted_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(IntakeError) as err:
        clean_upload(out.getvalue())
    assert "mật khẩu" in str(err.value.message)


# --- images ------------------------------------------------------------------------------------


def test_exif_orientation_is_applied_and_nothing_else_survives():
    clean = clean_upload(jpeg_with_exif((40, 30), orientation=6))
    assert (clean.kind, clean.content_type) == ("image", "image/jpeg")
    assert _absent(clean.data)
    with Image.open(io.BytesIO(clean.data)) as img:
        assert img.size == (30, 40) and not img.getexif()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_text_and_webp_xmp_are_dropped(fmt):
    from PIL import PngImagePlugin

    img = Image.new("RGBA", (40, 30), (0, 128, 0, 128))
    out = io.BytesIO()
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", NAME)
        text.add_itxt("Comment", NAME, zip=False)
        img.save(out, format="PNG", pnginfo=text)
    else:
        xmp = f"<x:xmpmeta><dc:creator>{NAME}</dc:creator></x:xmpmeta>".encode()
        img.save(out, format="WEBP", xmp=xmp, lossless=True)
    assert not _absent(out.getvalue())
    clean = clean_upload(out.getvalue())
    assert clean.content_type == "image/jpeg" and _absent(clean.data)


def test_heic_is_accepted_and_cleaned():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    img = Image.new("RGB", (64, 48), "green")
    exif = Image.Exif()
    exif[0x013B] = NAME
    out = io.BytesIO()
    img.save(out, format="HEIF", exif=exif.tobytes(), quality=50)
    data = out.getvalue()
    assert not _absent(data)
    clean = clean_upload(data)
    assert (clean.kind, clean.content_type) == ("image", "image/jpeg") and _absent(clean.data)
    with Image.open(io.BytesIO(clean.data)) as cleaned:
        assert cleaned.size == (64, 48)


def test_a_big_jpeg_is_decoded_reduced_and_shrunk():
    img = Image.new("L", (4800, 3000), 128)  # 14.4 MP: over the limit at full size
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=30)
    clean = clean_upload(out.getvalue())
    with Image.open(io.BytesIO(clean.data)) as cleaned:
        assert cleaned.size == (2400, 1500)  # decoded at 1/2 scale, not resized from full size


def _png_1bit(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, format="PNG")
    return out.getvalue()


def _jpeg_claiming(size: tuple[int, int]) -> bytes:
    """A tiny JPEG whose frame header claims `size` (a decompression bomb)."""
    data = bytearray(jpeg_with_exif((16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = size[1].to_bytes(2, "big") + size[0].to_bytes(2, "big")
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: _png_1bit((4200, 3200)), id="png-13mp"),
        pytest.param(lambda: _jpeg_claiming((30_000, 30_000)), id="jpeg-900mp"),
        pytest.param(lambda: _jpeg_claiming((65_000, 65_000)), id="jpeg-4gp"),
    ],
)
def test_images_over_12_megapixels_are_refused(data):
    with pytest.raises(IntakeError) as err:
        clean_upload(data())
    assert "quá lớn" in str(err.value.message)


def test_other_types_are_refused_with_a_message():
    with pytest.raises(IntakeError) as err:
        clean_upload(b"GIF89a" + b"\x00" * 64)
    assert "Chỉ nhận" in str(err.value.message)
