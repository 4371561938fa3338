"""What a handler receives: the claimed job and its context."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Union

from ._log import JsonLogger
from ._outcome import _UNSET


@dataclass(frozen=True)
class Job:
    """A claimed job, held under ``lease`` until it completes or the lease expires."""

    id: str
    tenant_id: str
    type: str
    payload: Any
    attempts: int
    max_attempts: int
    lease: str
    trace_id: str | None = None
    priority: int = 0
    ordering_key: str | None = None
    idempotency_key: str | None = None
    run_at: str | None = None
    locked_until: str | None = None

    @staticmethod
    def from_claim(row: dict[str, Any], lease: str) -> Job:
        return Job(
            id=str(row["id"]),
            tenant_id=str(row["tenant_id"]),
            type=row["type"],
            payload=row["payload"],
            attempts=int(row["attempts"]),
            max_attempts=int(row["max_attempts"]),
            lease=lease,
            trace_id=row.get("trace_id"),
            priority=int(row.get("priority") or 0),
            ordering_key=row.get("ordering_key"),
            idempotency_key=row.get("idempotency_key"),
            run_at=row.get("run_at"),
            locked_until=row.get("locked_until"),
        )




class JobContext:
    """Besides the job: ``cancelled`` is set when the job times out, its lease is lost or shutdown's
    grace ends (a synchronous handler should check it; an async one is also cancelled); ``log``
    carries job_id, trace_id and type; ``set_evidence`` attaches evidence to this attempt."""

    __slots__ = ("job", "worker_id", "cancelled", "evidence", "_base", "_log")

    def __init__(self, job: Job, worker_id: str, base: JsonLogger) -> None:
        self.job = job
        self.worker_id = worker_id
        self.cancelled = threading.Event()
        self.evidence: Any = _UNSET
        self._base = base
        self._log: JsonLogger | None = None

    @property
    def log(self) -> JsonLogger:
        # Built on first use: most handlers never log, and a child logger per job costs.
        if self._log is None:
            self._log = self._base.child(job_id=self.job.id, trace_id=self.job.trace_id, type=self.job.type)
        return self._log

    def set_evidence(self, evidence: Any) -> None:
        self.evidence = evidence


#: A handler: sync or async; what it returns is stored as the job's result. Raise to fail the attempt.
Handler = Callable[[Job, JobContext], Union[Any, Awaitable[Any]]]
