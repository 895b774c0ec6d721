"""Drawn signatures (quote consent, pickup): a PNG from the signature pad, checked to be one.

A prefix check is not enough: anything can follow eight magic bytes (a script, an archive, a
decompression bomb). A signature is accepted only if it is a well-formed PNG: chunks with valid
CRCs, ``IHDR`` first and ``IEND`` last with nothing after it, bounded dimensions, and image data
that inflates to exactly the size its header announces (read in pieces, never all at once).
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 200 * 1024
MAX_WIDTH = 3000
MAX_HEIGHT = 1000
# Samples per pixel for each PNG colour type.
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


class NotASignature(ValueError):
    """The bytes are not an acceptable signature image."""


def _chunks(raw: bytes):
    offset = len(PNG_MAGIC)
    while offset < len(raw):
        if offset + 8 > len(raw):
            raise NotASignature("truncated chunk header")
        length, kind = struct.unpack(">I4s", raw[offset : offset + 8])
        end = offset + 12 + length
        if end > len(raw):
            raise NotASignature("truncated chunk")
        data = raw[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", raw[offset + 8 + length : end])
        if zlib.crc32(kind + data) != crc:
            raise NotASignature("bad chunk checksum")
        yield kind, data
        offset = end


def check_signature_png(raw: bytes) -> tuple[int, int]:
    """Raise ``NotASignature`` unless ``raw`` is an acceptable PNG; return (width, height)."""
    if len(raw) > MAX_BYTES:
        raise NotASignature("too large")
    if not raw.startswith(PNG_MAGIC):
        raise NotASignature("not a PNG")
    chunks = _chunks(raw)
    try:
        kind, header = next(chunks)
    except StopIteration:
        raise NotASignature("no header") from None
    if kind != b"IHDR" or len(header) != 13:
        raise NotASignature("no header")
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    if not (0 < width <= MAX_WIDTH and 0 < height <= MAX_HEIGHT):
        raise NotASignature("bad dimensions")
    if colour not in _CHANNELS or depth not in (1, 2, 4, 8, 16) or interlace != 0:
        raise NotASignature("unsupported format")
    row_bytes = (width * _CHANNELS[colour] * depth + 7) // 8
    expected = height * (1 + row_bytes)
    inflater = zlib.decompressobj()
    inflated = 0
    ended = False
    for kind, data in chunks:
        if ended:
            raise NotASignature("data after the end")
        if kind == b"IDAT":
            try:
                pending = data
                while pending:
                    inflated += len(inflater.decompress(pending, 64 * 1024))
                    if inflated > expected:
                        raise NotASignature("more image data than announced")
                    pending = inflater.unconsumed_tail
            except zlib.error as exc:
                raise NotASignature("corrupt image data") from exc
        elif kind == b"IEND":
            ended = True
    if not ended:
        raise NotASignature("no end")
    if inflated != expected or not inflater.eof:
        raise NotASignature("image data does not match the header")
    return width, height


def make_png(width: int, height: int, pixel: bytes = b"\xff\xff\xff\xff") -> bytes:
    """A valid RGBA PNG of one colour (for tests and demo data)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\0" + pixel * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def decode_data_url(data_url: str) -> bytes:
    """A drawn signature as the pad posts it (a PNG data URL), checked to be a real PNG image of
    limited size and dimensions; a ``ValidationError`` on the ``signature`` field otherwise.
    Every signature the customer draws (quote consent, pickup, a loaner) comes through here."""
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise ValidationError({"signature": [_("Ask the customer to sign in the box.")]})
    if len(data_url) > len(prefix) + (MAX_BYTES * 4 // 3) + 4:
        raise ValidationError({"signature": [_("The signature must be a PNG image under 200 KB.")]})
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"signature": [_("The signature could not be read.")]}) from exc
    try:
        check_signature_png(raw)
    except NotASignature as exc:
        raise ValidationError(
            {"signature": [_("The signature must be a PNG image under 200 KB.")]}
        ) from exc
    return raw
