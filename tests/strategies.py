"""Hostile input for the Hypothesis tests of every app: huge strings, control characters, NUL,
SQL, HTML and formula fragments, wrong types, missing fields, unicode oddities, lone surrogates.

``form_input(base)`` draws a POST body: a valid ``base`` with some fields dropped or replaced by
hostile values; ``encode`` turns it into the bytes a browser (or an attacker) would send."""

from __future__ import annotations

from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Stored-XSS payloads: one breaks out of an element, the other out of an attribute.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
XSS = SCRIPT + IMG  # 56 characters: fits a 64-character name
RAW_XSS_MARKERS = ("<script>alert(1)", "<img src=x onerror")

SAMPLES = [
    SCRIPT,
    IMG,
    "' OR 1=1 --",
    "'; DROP TABLE servicedesk_servicepoint; --",
    '=HYPERLINK("http://example.com")',
    "+1+1",
    "@SUM(A1)",
    "{{ 7*7 }}{% debug %}",
    "\x00",
    "a\x00b",
    "\x00\x01\x02\x1b[31m\x7f",
    "\r\n\t\x0b\x0c",
    "\u202e反转\u202c",
    "\ufeff\u200b\u200d",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀" * 10,
    "\ud800",
    "x\udfffy",
    "中" * 3000,
    "9" * 5000,
    "x" * 20_000,
    "",
    "   ",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "99999999999999999999999",
    "0.0000000001",
    "2026-02-30",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "1900-01-01",
    "24:60",
    "../../etc/passwd",
    "%00%ff",
    "null",
    "[]",
    "{}",
    "true",
]

hostile_text = st.one_of(
    st.sampled_from(SAMPLES),
    # Any code point, lone surrogates included (they reach the server as broken UTF-8).
    st.text(st.characters(exclude_categories=()), max_size=300),
)
hostile_value = st.one_of(
    hostile_text,
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.lists(hostile_text, min_size=2, max_size=3),  # a field sent several times
)


@st.composite
def form_input(draw, base: dict, extra_fields=()) -> dict:
    """``base`` with at least one field dropped (missing) or replaced by a hostile value."""
    data = dict(base)
    names = sorted(set(base) | set(extra_fields))
    for name in draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)
    ):
        if draw(st.integers(0, 4)) == 0:
            data.pop(name, None)
        else:
            data[name] = draw(hostile_value)
    return data


def _bytes(value) -> bytes:
    text = str(value)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")  # what a broken client sends


def encode(data: dict) -> str:
    """The urlencoded body (or query string) of ``data``; list values repeat the field."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append(f"{quote_from_bytes(_bytes(name))}={quote_from_bytes(_bytes(item))}")
    return "&".join(pairs)


#: Modest example counts so that the suite stays fast.
HOSTILE = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
