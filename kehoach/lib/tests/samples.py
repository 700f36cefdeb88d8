"""Small real files for upload tests: a photo with GPS metadata, a PNG, a short WAV, a PDF."""

import io
import math
import struct
import wave

from PIL import Image


def jpeg_bytes(*, with_gps: bool = False, orientation: int | None = None) -> bytes:
    """A 40×20 JPEG photo; optionally with a GPS position and an EXIF orientation."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh xã Tam Xuân I"  # Make
    if orientation:
        exif[0x0112] = orientation
    if with_gps:
        exif[0x8825] = {1: "N", 2: (15.0, 30.0, 0.0), 3: "E", 4: (108.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(out, "PNG")
    return out.getvalue()


def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A 440 Hz tone, mono 16-bit."""
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
            for i in range(int(seconds * rate))
        )
        audio.writeframes(frames)
    return out.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)
