"""RFC 8785 JSON Canonicalization Scheme, byte for byte as @jobforge/sdk's ``canonicalize``."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

from .errors import JobForgeError

#: Deeper nesting than this is refused, as in TypeScript.
MAX_CANONICAL_DEPTH = 1000


def canonicalize(value: Any) -> str:
    """Serializes a JSON value in RFC 8785 form: object keys sorted by UTF-16 code units, no
    whitespace, numbers in ECMAScript shortest form (as IEEE 754 doubles, so a Python int becomes
    the double JavaScript would read), strings escaped as JSON.stringify escapes them.

    Anything JSON cannot carry raises ``JobForgeError`` code ``NOT_JSON`` naming the path.

    Example::

        canonicalize({"b": 1, "a": [True, None]})  # '{"a":[true,null],"b":1}'
    """
    # An explicit stack rather than recursion: the depth limit is deeper than Python's own.
    out: list[str] = []
    seen: set[int] = set()
    # Each entry is text to emit, a container id to forget, or (value, path, depth) to write.
    stack: list[Any] = [(value, "$", 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, int):
            seen.discard(item)
        else:
            child, path, depth = item
            _write(child, path, depth, out, stack, seen)
    return "".join(out)


def hash_output(value: Any) -> str:
    """sha256 hex of the canonical form's UTF-8 bytes, as ``hashOutput`` in @jobforge/sdk."""
    return hashlib.sha256(canonicalize(value).encode("utf-8")).hexdigest()


def _fail(path: str, reason: str) -> JobForgeError:
    return JobForgeError("NOT_JSON", f"value at {path} cannot be canonicalized: {reason}", where=path)


def _write(value: Any, path: str, depth: int, out: list[str], stack: list[Any], seen: set[int]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value, path))
    elif isinstance(value, (int, float)):
        out.append(_number(value, path))
    elif isinstance(value, (list, tuple, Mapping)):
        if depth >= MAX_CANONICAL_DEPTH:
            raise _fail(path, f"nesting deeper than {MAX_CANONICAL_DEPTH} levels")
        if id(value) in seen:
            raise _fail(path, "a cycle: this value contains itself")
        seen.add(id(value))
        # Pushed in reverse: the stack pops the opening bracket first and the id to forget last.
        stack.append(id(value))
        if isinstance(value, Mapping):
            _push_object(value, path, depth, stack)
        else:
            stack.append("]")
            for i in range(len(value) - 1, -1, -1):
                stack.append((value[i], f"{path}[{i}]", depth + 1))
                if i:
                    stack.append(",")
            stack.append("[")
    else:
        raise _fail(path, f"a {type(value).__name__} is not a JSON value")


def _push_object(value: Mapping[Any, Any], path: str, depth: int, stack: list[Any]) -> None:
    for key in value:
        if not isinstance(key, str):
            raise _fail(path, f"the key {key!r} is not a string")
    # Big-endian UTF-16 bytes compare exactly as UTF-16 code units, the order RFC 8785 prescribes.
    keys = sorted(value, key=_utf16_key)
    stack.append("}")
    for i in range(len(keys) - 1, -1, -1):
        key = keys[i]
        member = f"{path}.{key}" if _plain_name(key) else f"{path}[{_quoted(key)}]"
        stack.append((value[key], member, depth + 1))
        stack.append(_string(key, member) + ":")
        if i:
            stack.append(",")
    stack.append("{")


def _quoted(key: str) -> str:
    """The key as JSON.stringify prints it in a path: a lone surrogate as a \\u escape."""
    text = json.dumps(key, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in text)


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _plain_name(key: str) -> bool:
    return key != "" and (key[0].isascii() and (key[0].isalpha() or key[0] in "_$")) and all(
        c.isascii() and (c.isalnum() or c in "_$") for c in key
    )


def _string(text: str, path: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(path, "a string with a lone UTF-16 surrogate is not valid I-JSON") from None
    # json.dumps without ensure_ascii escapes exactly what JSON.stringify does: quote, backslash,
    # \b \f \n \r \t, and other controls below U+0020 as lowercase \u00xx.
    return json.dumps(text, ensure_ascii=False)


def _number(value: int | float, path: str) -> str:
    if isinstance(value, int):
        try:
            value = float(value)
        except OverflowError:
            raise _fail(path, "an integer too large for an IEEE 754 double") from None
    if not math.isfinite(value):
        raise _fail(path, f"{value} is not a JSON number")
    return es_number(value)


def es_number(value: float) -> str:
    """ECMAScript's Number.prototype.toString for a finite double (RFC 8785 section 3.2.2.3)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digits that round-trip, the same digits ECMAScript chooses.
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    all_digits = whole + frac
    leading = len(all_digits) - len(all_digits.lstrip("0"))
    digits = all_digits[leading:].rstrip("0")
    # The decimal point sits after `point` digits of `digits`: value = 0.digits * 10**point.
    point = len(whole) + (int(exp_text) if exp_text else 0) - leading
    k, n = len(digits), point
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + text
