"""The outcome records a worker sends to ``jobforge_complete_jobs``, as the TypeScript worker's."""

from __future__ import annotations

import json
import traceback
from typing import Any

from ..errors import JobFailure

MAX_MESSAGE = 2000
_UNSET: Any = object()


def success_outcome(result: Any, evidence: Any = _UNSET) -> dict[str, Any]:
    """``{ok: true, result, evidence?}``; a result JSON cannot hold fails the job as RESULT_NOT_JSON."""
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        return {
            "ok": False,
            "retryable": False,
            "error": {"code": "RESULT_NOT_JSON", "message": f"the handler's result is not JSON: {error}"},
        }
    out: dict[str, Any] = {"ok": True, "result": result}
    if evidence is not _UNSET:
        out["evidence"] = evidence
    return out


def failure_outcome(error: BaseException, evidence: Any = _UNSET, *, with_traceback: bool = False) -> dict[str, Any]:
    """``{ok: false, error: {code, message}, retryable, retry_in_ms?, evidence?}``.

    A JobFailure keeps its code and retryability; another exception is a retryable HANDLER_ERROR
    (or its own string ``code``, ``retryable`` attributes) whose message names the exception type.
    The traceback is stored only when asked.
    """
    failure = error if isinstance(error, JobFailure) else None
    code = getattr(error, "code", None)
    text = str(error)
    message = failure.message if failure else (f"{type(error).__name__}: {text}" if text else type(error).__name__)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    record: dict[str, Any] = {"code": code if isinstance(code, str) else "HANDLER_ERROR", "message": message}
    if with_traceback:
        record["traceback"] = "".join(traceback.format_exception(error))[-8000:]
    retryable = failure.retryable if failure else getattr(error, "retryable", True) is not False
    out: dict[str, Any] = {"ok": False, "error": record, "retryable": retryable}
    if failure and failure.retry_in_ms is not None:
        out["retry_in_ms"] = failure.retry_in_ms
    attached = failure.evidence if failure and failure.evidence is not None else evidence
    if attached is not _UNSET:
        out["evidence"] = attached
    return out


def completion_item(job_id: str, lease: str, outcome: dict[str, Any]) -> dict[str, Any]:
    """One item of ``jobforge_complete_jobs``, with the fields the TypeScript client sends."""
    if outcome["ok"]:
        return {"id": job_id, "lease": lease, "ok": True, "result": outcome.get("result"), "evidence": outcome.get("evidence")}
    return {
        "id": job_id,
        "lease": lease,
        "ok": False,
        "error": outcome["error"],
        "retryable": outcome.get("retryable", True),
        "retry_in_ms": outcome.get("retry_in_ms"),
        "evidence": outcome.get("evidence"),
    }


def reconnect_delay(failures: int, random: float) -> float:
    """Seconds to wait while the database is unreachable: 0.1 s doubling to 5 s, jitter [d/2, d)."""
    ceiling = min(5.0, 0.1 * 2.0 ** max(0, failures - 1))
    return ceiling * (0.5 + random / 2)
