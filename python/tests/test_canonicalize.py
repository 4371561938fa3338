"""RFC 8785 on the vectors @jobforge/sdk's own test uses (sdk/test/fixtures/rfc8785-vectors.json).
Agreement on generated values is checked against the TypeScript implementation by
python/test/canonicalize-parity.test.ts."""

import json
import math
import struct
from pathlib import Path
from typing import Any

import pytest

from jobforge import JobForgeError, canonicalize, hash_output
from jobforge.canonicalize import MAX_CANONICAL_DEPTH

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "sdk/test/fixtures/rfc8785-vectors.json").read_text("utf-8")
)


def from_bits(hex_text: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(hex_text))[0]
    return value


def not_json_path(value: Any) -> str | None:
    try:
        canonicalize(value)
    except JobForgeError as error:
        assert error.code == "NOT_JSON"
        return error.where
    return None


@pytest.mark.parametrize("vector", VECTORS["documents"], ids=lambda v: v["name"])
def test_documents(vector: dict[str, str]) -> None:
    assert canonicalize(json.loads(vector["input"])) == vector["expected"]


@pytest.mark.parametrize("sample", VECTORS["numbers"]["samples"], ids=lambda s: s["ieee754"])
def test_numbers(sample: dict[str, Any]) -> None:
    value = from_bits(sample["ieee754"])
    if sample["expected"] is None:
        assert not math.isfinite(value)
        assert not_json_path([value]) == "$[0]"
    else:
        assert canonicalize(value) == sample["expected"]


def test_the_numbers_the_issue_names() -> None:
    assert canonicalize([1e21, -0.0, 5e-324, 0.1, 1e-7, 123456789012345680000]) == (
        "[1e+21,0,5e-324,0.1,1e-7,123456789012345680000]"
    )


def test_integers_are_read_as_javascript_reads_them() -> None:
    assert canonicalize([1, -7, 2**53, 10**21, 2**64]) == "[1,-7,9007199254740992,1e+21,18446744073709552000]"
    assert not_json_path({"big": 10**400}) == "$.big"


def test_orders_keys_by_utf16_code_units() -> None:
    # U+FB33 sorts after U+1F602 by code point but before it by UTF-16 units (0xD83D < 0xFB33).
    assert canonicalize({"\ufb33": 1, "\U0001f602": 2, "\u0080": 3, "a": 4}) == (
        '{"a":4,"\u0080":3,"\U0001f602":2,"\ufb33":1}'
    )


def test_orders_integer_like_keys_as_strings() -> None:
    assert canonicalize({"9": "a", "10": "b", "x": {"2": 1, "10": 2}}) == '{"10":"b","9":"a","x":{"10":2,"2":1}}'


def test_escapes_as_json_stringify() -> None:
    assert canonicalize("\u0000\u001f\"\\/\u007f\u2028\b\f\n\r\t") == '"\\u0000\\u001f\\"\\\\/\u007f\u2028\\b\\f\\n\\r\\t"'


class Point:
    x = 1


def _cycle() -> dict[str, Any]:
    value: dict[str, Any] = {"a": 1}
    value["self"] = value
    return value


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"n": math.nan}, "$.n"),
        ([[math.inf]], "$[0][0]"),
        (_cycle(), "$.self"),
        ({"p": Point()}, "$.p"),
        ({"s": {1, 2}}, "$.s"),
        ({"b": b"bytes"}, "$.b"),
        ({"text": "a\ud800b"}, "$.text"),
        ({"with space": [math.nan]}, '$["with space"][0]'),
        ({1: "x"}, "$"),
    ],
    ids=["nan", "infinity", "cycle", "object", "set", "bytes", "lone surrogate", "odd key", "int key"],
)
def test_rejects_what_json_cannot_carry(value: Any, path: str) -> None:
    assert not_json_path(value) == path


def test_refuses_nesting_deeper_than_the_limit() -> None:
    deep: Any = 1
    for _ in range(MAX_CANONICAL_DEPTH + 5):
        deep = [deep]
    path = not_json_path(deep)
    assert path is not None and path.startswith("$[0][0]")
    fine: Any = 1
    for _ in range(500):
        fine = {"a": fine}
    canonicalize(fine)


def test_hash_output_is_sha256_of_the_canonical_utf8() -> None:
    import hashlib

    assert hash_output({"b": [1.0, 2], "a": "x"}) == hashlib.sha256(b'{"a":"x","b":[1,2]}').hexdigest()
    assert hash_output("€") == hashlib.sha256('"€"'.encode("utf-8")).hexdigest()
