"""Batches completions, as the TypeScript worker's completion batcher: no timer, the first one
flushes at once and those that finish while that round trip is in flight go together in the next."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any, Awaitable, Callable

from ..errors import is_connection_error
from ._job import Job
from ._log import JsonLogger
from ._outcome import completion_item, reconnect_delay

MAX_BATCH = 1000

#: Sends ``jobforge_complete_jobs`` items; answers [{id, status}] for the jobs it completed.
Complete = Callable[[str], Awaitable[list[dict[str, str]]]]
#: Told once per job: its new status, or None when the lease had been lost.
Settled = Callable[[Job, dict[str, Any], "str | None"], None]


class CompletionBatcher:
    """A batch lost with the connection is retried with backoff, so no result is dropped; one the
    database refuses is retried item by item, and an item refused alone is recorded as a
    non-retryable RESULT_REFUSED failure (refused even so, it is left to its lease)."""

    def __init__(self, complete: Complete, settled: Settled, log: JsonLogger) -> None:
        self._complete = complete
        self._settled = settled
        self._log = log
        self._pending: list[tuple[Job, dict[str, Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    def push(self, job: Job, outcome: dict[str, Any]) -> None:
        self._pending.append((job, outcome))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def drain(self) -> None:
        """Returns once every pushed completion is recorded (or given up to its lease)."""
        while self._pending or (self._flusher is not None and not self._flusher.done()):
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.create_task(self._flush())
            await self._flusher

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            await self._send(batch)

    async def _send(self, batch: list[tuple[Job, dict[str, Any]]]) -> None:
        failures = 0
        while True:
            items = [completion_item(job.id, job.lease, outcome) for job, outcome in batch]
            try:
                done = await self._complete(json.dumps(items))
                status = {d["id"]: d["status"] for d in done}
                for job, outcome in batch:
                    self._settled(job, outcome, status.get(job.id))
                return
            except Exception as error:
                self._log.warn("recording results failed; retrying", error=str(error).strip(), jobs=len(batch))
                if is_connection_error(error):
                    failures += 1
                    await asyncio.sleep(reconnect_delay(failures, random.random()))
                    continue
                if len(batch) > 1:
                    for one in batch:
                        await self._send([one])
                    return
                job, outcome = batch[0]
                if outcome["ok"] or outcome["error"].get("code") != "RESULT_REFUSED":
                    batch = [(job, {
                        "ok": False,
                        "retryable": False,
                        "error": {"code": "RESULT_REFUSED", "message": f"the database refused this job's result: {error}"},
                    })]
                    continue
                self._settled(job, outcome, None)
                return
