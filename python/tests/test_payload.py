"""Payloads are checked before any SQL, with the codes of the TypeScript client."""

import datetime
import decimal
import math
from typing import Any

import pytest

from jobforge import JobForgeError, MAX_PAYLOAD_BYTES
from jobforge.client import _spec
from jobforge.payload import assert_job_id, assert_job_type, assert_tenant_id, payload_json


def code_of(fn: Any, *args: Any) -> tuple[str, str]:
    with pytest.raises(JobForgeError) as raised:
        fn(*args)
    return raised.value.code, raised.value.message


def test_serializes_compact_utf8_json() -> None:
    assert payload_json({"a": [1, 2.5, True, None], "é": "ü"}) == '{"a":[1,2.5,true,null],"é":"ü"}'


def _cycle() -> list[Any]:
    value: list[Any] = []
    value.append(value)
    return value


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"when": datetime.datetime.now()}, "$.when is a datetime"),
        ({"amount": decimal.Decimal("1.5")}, "$.amount is a Decimal"),
        ({"tags": {"a"}}, "$.tags is a set"),
        ({"raw": b"x"}, "$.raw is a bytes"),
        ({"n": math.nan}, "$.n is nan"),
        ([math.inf], "$[0] is inf"),
        ({1: "x"}, "key 1 that is not a string"),
        (_cycle(), "$[0] refers back to itself"),
        ({"s": "a\ud800"}, "lone UTF-16 surrogate"),
        ({"s": "a\x00b"}, "NUL character"),
        (object(), "$ is a object"),
    ],
    ids=["datetime", "decimal", "set", "bytes", "nan", "inf", "int key", "cycle", "surrogate", "nul", "object"],
)
def test_refuses_what_json_cannot_hold(value: Any, where: str) -> None:
    code, message = code_of(payload_json, value)
    assert code == "PAYLOAD_NOT_JSON"
    assert where in message


def test_refuses_deep_nesting_without_a_recursion_error() -> None:
    deep: Any = 1
    for _ in range(5000):
        deep = [deep]
    assert code_of(payload_json, deep)[0] == "PAYLOAD_NOT_JSON"


def test_refuses_payloads_over_the_limit_in_utf8_bytes() -> None:
    assert code_of(payload_json, "x" * MAX_PAYLOAD_BYTES)[0] == "PAYLOAD_TOO_LARGE"
    payload_json("x" * (MAX_PAYLOAD_BYTES - 2))
    code, message = code_of(payload_json, "€" * 90_000)
    assert code == "PAYLOAD_TOO_LARGE" and "270002 bytes" in message


def test_identifiers() -> None:
    assert assert_job_id(42, "id") == "42"
    assert code_of(assert_job_id, "0", "id")[0] == "INVALID_JOB_ID"
    assert code_of(assert_job_id, True, "id")[0] == "INVALID_JOB_ID"
    assert code_of(assert_tenant_id, "tenant-1", "tenant_id")[0] == "INVALID_TENANT"
    assert code_of(assert_job_type, "", "type")[0] == "INVALID_JOB"
    assert code_of(assert_job_type, "x" * 201, "type")[0] == "INVALID_JOB"


def test_options_become_the_sql_functions_fields() -> None:
    when = datetime.datetime(2030, 1, 31, 12, tzinfo=datetime.timezone.utc)
    assert _spec(idempotency_key="k", priority=3, run_at=when, max_attempts=2, trace_id="t") == {
        "idempotency_key": "k", "trace_id": "t", "priority": 3, "max_attempts": 2,
        "run_at": "2030-01-31T12:00:00+00:00",
    }
    assert code_of(lambda: _spec(run_at="tomorrow"))[0] == "INVALID_TIME"
    assert code_of(lambda: _spec(run_at=datetime.datetime(2030, 1, 1)))[0] == "INVALID_TIME"
    assert code_of(lambda: _spec(priority="high"))[0] == "INVALID_JOB"
