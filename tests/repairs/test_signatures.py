"""Drawn signatures (quote consent, pickup) must be real PNG images of bounded size."""

import base64
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError

from repairs.models import TicketStatus
from repairs.signatures import (
    MAX_HEIGHT,
    MAX_WIDTH,
    PNG_MAGIC,
    NotASignature,
    check_signature_png,
    make_png,
)
from servicedesk.models import Role
from tests.opening import open_ticket
from tests.repairs.test_lifecycle import move

pytestmark = pytest.mark.django_db


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with(width: int, height: int, idat: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


GOOD = make_png(300, 80)
BAD_CRC = GOOD[:-1] + bytes([GOOD[-1] ^ 1])
HOSTILE = {
    "magic then zeros": PNG_MAGIC + b"\0" * 64,
    "magic then a script": PNG_MAGIC + b"<script>alert(1)</script>",
    "truncated": GOOD[: len(GOOD) // 2],
    "bad checksum": BAD_CRC,
    "data after the end": GOOD + b"<html>",
    "too wide": make_png(MAX_WIDTH + 1, 1),
    "too tall": make_png(1, MAX_HEIGHT + 1),
    "decompression bomb": png_with(10, 10, zlib.compress(b"\0" * 10_000_000)),
    "short image data": png_with(100, 100, zlib.compress(b"\0" * 10)),
    "a GIF": b"GIF89a" + b"\0" * 32,
    "too many bytes": PNG_MAGIC + b"\0" * (200 * 1024 + 1),
}


def test_a_real_png_is_accepted():
    assert check_signature_png(GOOD) == (300, 80)


@pytest.mark.reliability(
    "Hostile signature upload",
    "signature field with a polyglot, truncated, bad-CRC, oversized, bomb or non-PNG file:"
    " refused before anything is stored",
)
@pytest.mark.parametrize("raw", HOSTILE.values(), ids=HOSTILE.keys())
def test_anything_but_a_well_formed_bounded_png_is_refused(raw, point, staff_of):
    with pytest.raises(NotASignature):
        check_signature_png(raw)
    desk = staff_of(Role.FRONT_DESK).user
    tech = staff_of(Role.TECHNICIAN).user
    ticket = open_ticket(point, desk)
    move(ticket, tech, "start_diagnosis")
    move(ticket, tech, "diagnose", fault_confirmed="电池老化")
    move(ticket, tech, "complete_repair", repair_method="更换电池")
    move(ticket, desk, "pass_qa")
    with pytest.raises(ValidationError) as exc:
        move(
            ticket,
            desk,
            "hand_over",
            tested_with_customer=True,
            explanation_given=True,
            signature_data_url="data:image/png;base64," + base64.b64encode(raw).decode(),
        )
    assert "signature" in exc.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY and ticket.pickup_signature_png is None
