"""The completion batcher on a fake database: batching, retry after a lost connection, and a
refused result recorded as RESULT_REFUSED or left to its lease."""

import asyncio
import json
from typing import Any

import psycopg

from jobforge.worker._completions import CompletionBatcher
from jobforge.worker._job import Job
from jobforge.worker._log import silent_logger


def job(n: int) -> Job:
    return Job(id=str(n), tenant_id="t", type="x", payload={}, attempts=1, max_attempts=5, lease="L")


def run(script: list[Any], outcomes: list[dict[str, Any] | None]) -> tuple[list[list[dict[str, Any]]], list[tuple[str, str | None]]]:
    """Pushes one outcome per job; each database call takes the next answer of the script (an
    exception to raise, or a callable from items to the answer)."""
    calls: list[list[dict[str, Any]]] = []
    settled: list[tuple[str, str | None]] = []

    async def complete(items: str) -> list[dict[str, str]]:
        calls.append(json.loads(items))
        step = script.pop(0)
        await asyncio.sleep(0)
        if isinstance(step, BaseException):
            raise step
        answer: list[dict[str, str]] = step(calls[-1])
        return answer

    async def main() -> None:
        batcher = CompletionBatcher(complete, lambda j, _o, status: settled.append((j.id, status)), silent_logger())
        n = 0
        for outcome in outcomes:
            if outcome is None:  # let the flush start: what comes next arrives while it is in flight
                await asyncio.sleep(0)
                continue
            n += 1
            batcher.push(job(n), outcome)
        await batcher.drain()

    asyncio.run(main())
    return calls, settled


def succeed(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"id": item["id"], "status": "succeeded" if item["ok"] else "dead"} for item in items]


OK = {"ok": True, "result": 1}


def test_the_first_flushes_at_once_and_the_rest_go_together() -> None:
    calls, settled = run([succeed, succeed], [OK, None, OK, OK])
    assert [len(c) for c in calls] == [1, 2]
    assert settled == [("1", "succeeded"), ("2", "succeeded"), ("3", "succeeded")]


def test_a_lost_connection_is_retried_and_nothing_is_dropped() -> None:
    calls, settled = run([psycopg.OperationalError("connection refused"), succeed, succeed], [OK, None, OK])
    assert [len(c) for c in calls] == [1, 1, 1]
    assert settled == [("1", "succeeded"), ("2", "succeeded")]


def test_a_refused_result_is_recorded_as_result_refused_then_left_to_its_lease() -> None:
    refused = psycopg.errors.UntranslatableCharacter("unsupported Unicode escape sequence")
    calls, settled = run([refused, succeed], [OK])
    assert calls[1][0]["ok"] is False and calls[1][0]["error"]["code"] == "RESULT_REFUSED"
    assert settled == [("1", "dead")]
    calls, settled = run([refused, refused], [OK])
    assert settled == [("1", None)]


def test_a_lease_lost_job_is_settled_with_no_status() -> None:
    _, settled = run([lambda items: []], [OK])
    assert settled == [("1", None)]
