"""Checks and serializes job payloads before any SQL, as the TypeScript client does."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .errors import JobForgeError

#: The largest payload, in bytes of JSON text; the SQL functions enforce the same limit.
MAX_PAYLOAD_BYTES = 262_144
#: Deeper nesting is refused rather than risking a RecursionError on hostile input.
MAX_DEPTH = 500

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_JOB_ID = re.compile(r"^[1-9][0-9]{0,18}$")


def payload_json(value: Any, where: str = "payload", limit: int = MAX_PAYLOAD_BYTES) -> str:
    """The payload as compact JSON text; raises ``PAYLOAD_NOT_JSON`` for what JSON cannot hold
    faithfully (sets, bytes, datetimes, NaN, non-string keys, cycles, lone surrogates, NUL
    characters, which PostgreSQL's jsonb refuses) and ``PAYLOAD_TOO_LARGE`` past the limit.

    Example::

        payload_json({"to": "a@example.com"})  # '{"to":"a@example.com"}'
    """
    problem = find_non_json(value, "$", set(), 0)
    if problem is not None:
        raise JobForgeError(
            "PAYLOAD_NOT_JSON",
            f"the payload is not JSON: {problem}",
            where=where,
            hint="send dicts with string keys, lists, strings, finite numbers, booleans and None",
        )
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    size = len(text.encode("utf-8")) if len(text) * 4 > limit else len(text)
    if size > limit:
        raise JobForgeError(
            "PAYLOAD_TOO_LARGE",
            f"the payload is {size} bytes of JSON; the limit is {limit} bytes",
            where=where,
            hint="store large data elsewhere and enqueue a reference to it",
        )
    return text


def find_non_json(value: Any, path: str, seen: set[int], depth: int) -> str | None:
    """The first place in ``value`` JSON cannot carry, described, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return _string_problem(value, path)
    if isinstance(value, int):
        return None
    if isinstance(value, float):
        return None if value == value and value not in (float("inf"), float("-inf")) else (
            f"{path} is {value}"
        )
    if isinstance(value, (list, tuple, Mapping)):
        if depth >= MAX_DEPTH:
            return f"{path} is nested deeper than {MAX_DEPTH} levels"
        if id(value) in seen:
            return f"{path} refers back to itself"
        seen.add(id(value))
        try:
            if isinstance(value, Mapping):
                for key, child in value.items():
                    if not isinstance(key, str):
                        return f"{path} has a key {key!r} that is not a string"
                    problem = _string_problem(key, f"{path} key {key!r}")
                    found = problem or find_non_json(child, _member(path, key), seen, depth + 1)
                    if found:
                        return found
            else:
                for i, child in enumerate(value):
                    found = find_non_json(child, f"{path}[{i}]", seen, depth + 1)
                    if found:
                        return found
        finally:
            seen.discard(id(value))
        return None
    return f"{path} is a {type(value).__name__}, not a JSON value"


def _string_problem(text: str, path: str) -> str | None:
    if "\x00" in text:
        return f"{path} contains a NUL character, which PostgreSQL's jsonb cannot store"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return f"{path} contains a lone UTF-16 surrogate"
    return None


def _member(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


def assert_tenant_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _UUID.match(value):
        raise JobForgeError(
            "INVALID_TENANT",
            f"the tenant id must be a UUID, got {_describe(value)}",
            where=where,
            hint="tenants are identified by UUIDs such as 3f2b8c4e-1d2a-4b7c-9e0f-5a6b7c8d9e0f",
        )
    return value


def assert_job_id(value: Any, where: str) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _JOB_ID.match(text):
        raise JobForgeError(
            "INVALID_JOB_ID", f"a job id is a positive integer, got {_describe(value)}", where=where
        )
    return text


def assert_job_type(value: Any, where: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= 200:
        raise JobForgeError(
            "INVALID_JOB", f"the job type must be 1-200 characters, got {_describe(value)}", where=where
        )
    return value


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 60 else value[:60] + "…")
    return "None" if value is None else type(value).__name__
