"""What the worker records for each way a handler ends, field for field as the TypeScript worker."""

import math

from jobforge import JobFailure
from jobforge.worker._outcome import completion_item, failure_outcome, reconnect_delay, success_outcome


def test_success_stores_the_result_and_evidence_when_given() -> None:
    assert success_outcome({"n": 1}) == {"ok": True, "result": {"n": 1}}
    assert success_outcome(None, {"e": 1}) == {"ok": True, "result": None, "evidence": {"e": 1}}


def test_a_result_json_cannot_hold_fails_without_retry() -> None:
    outcome = success_outcome({"n": math.nan})
    assert outcome["ok"] is False and outcome["retryable"] is False
    assert outcome["error"]["code"] == "RESULT_NOT_JSON"


def test_an_exception_is_a_retryable_handler_error_naming_its_type_without_traceback() -> None:
    try:
        raise ValueError("the input was odd")
    except ValueError as error:
        outcome = failure_outcome(error)
        with_tb = failure_outcome(error, with_traceback=True)
    assert outcome == {
        "ok": False,
        "retryable": True,
        "error": {"code": "HANDLER_ERROR", "message": "ValueError: the input was odd"},
    }
    assert "Traceback" in with_tb["error"]["traceback"] and "test_outcome.py" in with_tb["error"]["traceback"]


def test_an_exception_with_its_own_code_and_retryable_keeps_them() -> None:
    class Upstream(Exception):
        code = "UPSTREAM_DOWN"
        retryable = False

    outcome = failure_outcome(Upstream("503"))
    assert outcome["error"] == {"code": "UPSTREAM_DOWN", "message": "Upstream: 503"}
    assert outcome["retryable"] is False


def test_job_failure_keeps_code_retryability_delay_and_evidence() -> None:
    failure = JobFailure("RATE_LIMITED", "slow down", retry_in_ms=5000, evidence={"e": 2})
    assert failure_outcome(failure) == {
        "ok": False,
        "retryable": True,
        "retry_in_ms": 5000,
        "evidence": {"e": 2},
        "error": {"code": "RATE_LIMITED", "message": "slow down"},
    }


def test_long_messages_are_cut() -> None:
    message = failure_outcome(RuntimeError("x" * 5000))["error"]["message"]
    assert len(message) == 2001 and message.endswith("…")


def test_completion_items_carry_every_field_the_sql_function_reads() -> None:
    assert completion_item("1", "L", {"ok": True, "result": 5}) == {
        "id": "1", "lease": "L", "ok": True, "result": 5, "evidence": None,
    }
    failed = completion_item("2", "L", failure_outcome(JobFailure("X", "y", retryable=False)))
    assert failed == {
        "id": "2", "lease": "L", "ok": False, "error": {"code": "X", "message": "y"},
        "retryable": False, "retry_in_ms": None, "evidence": None,
    }


def test_reconnect_delay_doubles_to_five_seconds_with_jitter() -> None:
    assert reconnect_delay(1, 0.0) == 0.05 and reconnect_delay(1, 0.999) < 0.1
    assert reconnect_delay(3, 1.0) == 0.4
    assert reconnect_delay(30, 1.0) == 5.0
