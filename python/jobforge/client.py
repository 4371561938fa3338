"""The queue's client: each function is one call of one SQL function on the caller's connection.

Nothing here commits: on an autocommit connection each call is its own transaction; inside the
caller's transaction the jobs appear (and their NOTIFY fires) when the caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict

import psycopg

from . import _sql
from .errors import JobForgeError, to_queue_error
from .payload import MAX_PAYLOAD_BYTES, assert_job_id, assert_job_type, assert_tenant_id, payload_json

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "dead", "canceled")


class Enqueued(TypedDict):
    id: str
    created: bool


class JobChange(TypedDict):
    """Where a change applied: ``changed`` False means the job's status did not fit the action."""

    id: str
    status: str
    changed: bool


def connect(database_url: str, *, tenant_id: str | None = None, **kwargs: Any) -> psycopg.Connection[Any]:
    """An autocommit connection; with ``tenant_id`` the session is bound to that tenant
    (``app.tenant_id``), as an application role connects, and sees only that tenant's rows.

    Example::

        conn = connect(os.environ["DATABASE_URL"], tenant_id=TENANT)
    """
    if tenant_id is not None:
        kwargs["options"] = f"-c app.tenant_id={assert_tenant_id(tenant_id, 'tenant_id')}"
    return psycopg.connect(database_url, autocommit=True, **kwargs)


def _run(conn: psycopg.Connection[Any], function: str, args: str, params: Sequence[Any]) -> Any:
    for attempt in range(1, 6):
        try:
            with conn.cursor() as cur:
                cur.execute(_sql.call(function, args), params)
                row = cur.fetchone()
            return None if row is None else row[0]
        except psycopg.Error as error:
            # A deadlock or serialization failure rolled the call back whole; running it again is
            # safe only when the call was its own transaction.
            if error.sqlstate in ("40P01", "40001") and conn.autocommit and attempt < 5:
                continue
            raise to_queue_error(error, function) from error
    raise AssertionError("unreachable")


def _spec(
    idempotency_key: str | None = None,
    ordering_key: str | None = None,
    priority: int | None = None,
    run_at: datetime | str | None = None,
    max_attempts: int | None = None,
    trace_id: str | None = None,
    backoff_base_ms: int | None = None,
    backoff_max_ms: int | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in (
        ("idempotency_key", idempotency_key),
        ("ordering_key", ordering_key),
        ("trace_id", trace_id),
    ):
        if value is not None:
            if not isinstance(value, str):
                raise JobForgeError("INVALID_JOB", f"{name} must be a string, got {type(value).__name__}", where=name)
            out[name] = value
    for name, number in (
        ("priority", priority),
        ("max_attempts", max_attempts),
        ("backoff_base_ms", backoff_base_ms),
        ("backoff_max_ms", backoff_max_ms),
    ):
        if number is not None:
            if not isinstance(number, int) or isinstance(number, bool):
                raise JobForgeError("INVALID_JOB", f"{name} must be an integer, got {number!r}", where=name)
            out[name] = number
    if run_at is not None:
        out["run_at"] = _iso(run_at, "run_at")
    return out


def _iso(value: datetime | str, where: str) -> str:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise JobForgeError(
            "INVALID_TIME", f"{value!r} is not a date and time", where=where,
            hint="use ISO 8601, e.g. 2030-01-31T12:00:00Z",
        ) from None
    if moment.tzinfo is None:
        raise JobForgeError(
            "INVALID_TIME", f"{value!r} has no time zone", where=where,
            hint="use an aware datetime, e.g. datetime.now(timezone.utc)",
        )
    return moment.isoformat()


def _tenant(tenant_id: str | None) -> str | None:
    return None if tenant_id is None else assert_tenant_id(tenant_id, "tenant_id")


def enqueue_job(
    conn: psycopg.Connection[Any],
    type: str,
    payload: Any,
    *,
    tenant_id: str | None = None,
    max_payload_bytes: int = MAX_PAYLOAD_BYTES,
    **options: Any,
) -> Enqueued:
    """Enqueues one job; the same idempotency key returns the same id with ``created`` False.

    Options: idempotency_key, ordering_key, priority, run_at, max_attempts, trace_id,
    backoff_base_ms, backoff_max_ms. The payload is checked before any SQL.

    Example::

        job = enqueue_job(conn, "email.send", {"to": "a@example.com"}, idempotency_key="welcome-42")
    """
    assert_job_type(type, "type")
    text = payload_json(payload, "payload", min(max_payload_bytes, MAX_PAYLOAD_BYTES))
    spec = _spec(**options)
    result: Enqueued = _run(
        conn, "jobforge_enqueue_job", "%s, %s::jsonb, %s::jsonb, %s::uuid",
        (type, text, json.dumps(spec), _tenant(tenant_id)),
    )
    return result


def enqueue_jobs(
    conn: psycopg.Connection[Any],
    jobs: Sequence[Mapping[str, Any]],
    *,
    tenant_id: str | None = None,
    max_payload_bytes: int = MAX_PAYLOAD_BYTES,
) -> list[str]:
    """Enqueues many jobs in one statement; returns their ids in input order. Each job is a dict
    of ``type``, ``payload`` and the options of :func:`enqueue_job`.

    Example::

        ids = enqueue_jobs(conn, [{"type": "thumb", "payload": {"n": n}} for n in range(100)])
    """
    limit = min(max_payload_bytes, MAX_PAYLOAD_BYTES)
    parts: list[str] = []
    for i, job in enumerate(jobs):
        if not isinstance(job, Mapping):
            raise JobForgeError("INVALID_JOB", f"jobs[{i}] must be a dict with type and payload", where=f"jobs[{i}]")
        rest = {k: v for k, v in job.items() if k not in ("type", "payload")}
        assert_job_type(job.get("type"), f"jobs[{i}].type")
        if "payload" not in job:
            raise JobForgeError("INVALID_JOB", f"jobs[{i}] has no payload", where=f"jobs[{i}].payload")
        try:
            spec = _spec(**rest)
        except TypeError as error:
            raise JobForgeError("INVALID_JOB", f"jobs[{i}]: {error}", where=f"jobs[{i}]") from None
        payload = payload_json(job["payload"], f"jobs[{i}].payload", limit)
        spec_text = json.dumps(spec)[1:-1]
        # Splice the checked payload text in, so it is serialized once.
        parts.append(
            f'{{"type":{json.dumps(job["type"])},"payload":{payload}{"," + spec_text if spec_text else ""}}}'
        )
    ids: list[str] = _run(
        conn, "jobforge_enqueue_jobs", "%s::jsonb, %s::uuid", (f"[{','.join(parts)}]", _tenant(tenant_id))
    )
    return ids


def get_job(conn: psycopg.Connection[Any], id: str | int, *, tenant_id: str | None = None) -> dict[str, Any] | None:
    """One job with its ``attempt_history`` and ``results``; None when no such job exists for
    this tenant."""
    job: dict[str, Any] | None = _run(
        conn, "jobforge_get_job", "%s::bigint, %s::uuid", (assert_job_id(id, "id"), _tenant(tenant_id))
    )
    return job


def get_result(conn: psycopg.Connection[Any], id: str | int, *, tenant_id: str | None = None) -> dict[str, Any] | None:
    """The job's latest finished run ``{attempt, status, result, error, evidence, created_at}``
    (status ``succeeded`` or ``dead``), or None while it has none or when there is no such job."""
    job = get_job(conn, id, tenant_id=tenant_id)
    results = job["results"] if job else []
    return results[-1] if results else None


def list_jobs(
    conn: psycopg.Connection[Any],
    *,
    status: str | None = None,
    type: str | None = None,
    limit: int = 50,
    before_id: str | int | None = None,
    tenant_id: str | None = None,
) -> list[dict[str, Any]]:
    """Jobs newest first, optionally by status and type, paged by ``before_id`` (1-1000 a page)."""
    if status is not None and status not in JOB_STATUSES:
        raise JobForgeError("INVALID_STATUS", f"status must be one of {', '.join(JOB_STATUSES)}, got {status!r}", where="status")
    jobs: list[dict[str, Any]] = _run(
        conn, "jobforge_list_jobs", "%s, %s, %s, %s::bigint, %s::uuid",
        (status, type, int(limit), None if before_id is None else assert_job_id(before_id, "before_id"), _tenant(tenant_id)),
    )
    return jobs


def cancel_job(conn: psycopg.Connection[Any], id: str | int, *, tenant_id: str | None = None) -> JobChange | None:
    """Cancels a queued (or waiting-to-retry) job; None when no such job exists for this tenant."""
    change: JobChange | None = _run(
        conn, "jobforge_cancel_job", "%s::bigint, %s::uuid", (assert_job_id(id, "id"), _tenant(tenant_id))
    )
    return change


def reschedule_job(
    conn: psycopg.Connection[Any],
    id: str | int,
    *,
    run_at: datetime | str | None = None,
    tenant_id: str | None = None,
) -> JobChange | None:
    """Revives a dead, failed or canceled job with fresh attempts; None when there is no such job."""
    change: JobChange | None = _run(
        conn, "jobforge_reschedule_job", "%s::bigint, %s::timestamptz, %s::uuid",
        (assert_job_id(id, "id"), None if run_at is None else _iso(run_at, "run_at"), _tenant(tenant_id)),
    )
    return change
