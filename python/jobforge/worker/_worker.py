"""The Python worker: the same claim, heartbeat, complete and release calls as the TypeScript one."""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import os
import random
import signal
import socket
import string
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import psycopg

from .. import _sql
from ..errors import JobFailure, JobForgeError, is_connection_error, to_queue_error
from ._job import Handler, Job, JobContext
from ..payload import assert_tenant_id
from ._log import JsonLogger, silent_logger
from ._completions import CompletionBatcher
from ._outcome import failure_outcome, reconnect_delay, success_outcome

MAX_PREFETCH = 250
#: What pg_stat_activity shows for the worker's connections.
APPLICATION_NAME = "jobforge-python-worker"
#: An unreachable host fails a connection attempt after this long, then the backoff retries it.
CONNECT_TIMEOUT_S = 10


@dataclass
class WorkerStats:
    claimed: int = 0
    succeeded: int = 0
    failed: int = 0
    dead: int = 0
    lost: int = 0
    released: int = 0


@dataclass
class _Running:
    job: Job
    ctx: JobContext
    task: asyncio.Task[None] | None = None
    timer: asyncio.TimerHandle | None = None
    settled: bool = False
    started: float = field(default_factory=time.monotonic)


class _Line:
    """A connection and the lock its calls take turns on."""

    def __init__(self) -> None:
        self.conn: psycopg.AsyncConnection[Any] | None = None
        self.lock = asyncio.Lock()


def _positive(value: int, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise JobForgeError("INVALID_OPTION", f"{name} must be a positive integer, got {value!r}", where=name)
    return value


class Worker:
    """Claims jobs with a lease (FOR UPDATE SKIP LOCKED), runs handlers with bounded concurrency,
    records every outcome through ``jobforge_complete_jobs``, heartbeats its leases, wakes on
    NOTIFY and polls as a fallback, reconnects with backoff, and on SIGTERM/SIGINT finishes what is
    in flight (up to the grace period) and releases the rest.

    Example::

        worker = Worker(os.environ["DATABASE_URL"], concurrency=4)

        @worker.handler("image.resize")
        async def resize(job, ctx):
            return {"width": job.payload["width"] // 2}

        worker.run()  # until SIGTERM or SIGINT
    """

    def __init__(self, database_url: str | None = None, **options: Any) -> None:
        """``database_url`` defaults to $DATABASE_URL when the worker starts; options as :meth:`configure`."""
        self.database_url = database_url
        self.configure(**options)
        self.handlers: dict[str, Handler] = {}
        self.stats = WorkerStats()
        self._buffer: deque[Job] = deque()
        self._running: dict[str, _Running] = {}
        self._awaiting: dict[str, Job] = {}
        self._stopping = False
        self._woken = False
        self._handler_ms = 1.0
        self._claim_ms = 1.0
        self._tasks: list[asyncio.Task[Any]] = []
        self._stopped: asyncio.Future[None] | None = None

    def configure(
        self,
        *,
        concurrency: int = 10,
        types: list[str] | None = None,
        lease_ms: int = 30_000,
        heartbeat_ms: int | None = None,
        poll_ms: int = 1000,
        job_timeout_ms: int = 300_000,
        shutdown_grace_ms: int = 10_000,
        prefetch: int | None = None,
        listen: bool = True,
        worker_id: str | None = None,
        tenant_id: str | None = None,
        store_tracebacks: bool = False,
        logger: JsonLogger | None = None,
    ) -> None:
        """Sets the options (all of them: what is not given takes its default). ``types`` limits
        what is claimed (default: every type; a job of a type without a handler goes dead);
        ``job_timeout_ms`` fails a longer attempt as retryable JOB_TIMEOUT; ``store_tracebacks``
        adds the traceback to a stored error; ``tenant_id`` binds the session to one tenant."""
        self.concurrency = _positive(concurrency, "concurrency")
        self.types = [t for t in (types or []) if t] or None
        self.lease_ms = _positive(lease_ms, "lease_ms")
        self.heartbeat_ms = heartbeat_ms or max(50, self.lease_ms // 3)
        self.poll_ms = _positive(poll_ms, "poll_ms")
        self.job_timeout_ms = _positive(job_timeout_ms, "job_timeout_ms")
        self.shutdown_grace_ms = shutdown_grace_ms
        self.fixed_prefetch = prefetch
        self.prefetch = self.concurrency if prefetch is None else max(0, prefetch)
        self.listen = listen
        self.tenant_id = None if tenant_id is None else assert_tenant_id(tenant_id, "tenant_id")
        self.store_tracebacks = store_tracebacks
        suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{suffix}"
        self.log = (logger or silent_logger()).child(worker_id=self.id)

    # -- registration ----------------------------------------------------------------------------

    def handler(self, job_type: str) -> Callable[[Handler], Handler]:
        """Registers the decorated function (sync or async) for ``job_type``."""
        if not isinstance(job_type, str) or not 1 <= len(job_type) <= 200:
            raise JobForgeError("INVALID_OPTION", f"a job type is 1-200 characters, got {job_type!r}", where="handler")

        def register(fn: Handler) -> Handler:
            if job_type in self.handlers:
                raise JobForgeError("INVALID_OPTION", f"a handler for {job_type!r} is registered already", where="handler")
            self.handlers[job_type] = fn
            return fn

        return register

    # -- running ----------------------------------------------------------------------------------

    def run(self) -> WorkerStats:
        """Runs until SIGTERM or SIGINT, then stops gracefully (a second signal exits at once);
        returns the counts."""
        return asyncio.run(self.run_async(install_signals=True))

    async def run_async(self, *, install_signals: bool = False) -> WorkerStats:
        await self.start()
        if install_signals and threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self._on_signal, sig)
        assert self._stopped is not None
        await self._stopped
        return self.stats

    async def start(self) -> None:
        """Starts claiming in the background; ``await stop()`` ends it."""
        self.database_url = self.database_url or os.environ.get("DATABASE_URL")
        if not self.database_url:
            raise JobForgeError(
                "DATABASE_URL_MISSING", "no database to work on", where="DATABASE_URL",
                hint="set DATABASE_URL to the queue's PostgreSQL URL, or pass database_url",
            )
        loop = asyncio.get_running_loop()
        self._stopped = loop.create_future()
        self._kick = asyncio.Event()
        self._lines = (_Line(), _Line())
        self._completions = CompletionBatcher(self._complete, self._settled, self.log)
        self._executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="jobforge-job")
        if self.listen:
            self._tasks.append(asyncio.create_task(self._listen_loop()))
        self._tasks.append(asyncio.create_task(self._heartbeat_loop()))
        self._fetcher = asyncio.create_task(self._fetch_loop())
        self.log.info("worker started", concurrency=self.concurrency, types=self.types or "all", lease_ms=self.lease_ms)

    def _on_signal(self, sig: signal.Signals) -> None:
        # As the TypeScript worker: the first signal stops gracefully, a second exits at once
        # (jobs still held come back when their leases expire).
        if self._stopping:
            self.log.warn("second signal: exiting now", signal=sig.name)
            os._exit(128 + sig.value)
        self.request_stop()

    def request_stop(self) -> None:
        """Asks the worker to stop (safe from a signal handler); ``run`` returns once it has."""
        if not self._stopping:
            asyncio.get_running_loop().create_task(self.stop())

    async def stop(self) -> None:
        """Stops claiming, lets in-flight jobs finish up to the grace period, releases the rest."""
        if self._stopping:
            if self._stopped is not None:
                await asyncio.shield(self._stopped)
            return
        self._stopping = True
        try:
            await self._shut_down()
        finally:
            assert self._stopped is not None
            if not self._stopped.done():
                self._stopped.set_result(None)

    async def _shut_down(self) -> None:
        self._kick.set()
        await self._fetcher
        await self._release(list(self._buffer))
        self._buffer.clear()
        tasks = [r.task for r in self._running.values() if r.task is not None]
        if tasks:
            self.log.info("waiting for in-flight jobs", jobs=len(tasks), grace_ms=self.shutdown_grace_ms)
            await asyncio.wait(tasks, timeout=self.shutdown_grace_ms / 1000)
        unfinished = [r for r in self._running.values() if not r.settled]
        for entry in unfinished:
            self._abandon(entry)
        self._running.clear()
        await self._release([e.job for e in unfinished])
        await self._completions.drain()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for line in self._lines:
            if line.conn is not None:
                await line.conn.close()
        # A synchronous handler past its timeout cannot be interrupted; do not wait for its thread.
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.log.info("worker stopped", **vars(self.stats))

    # -- database ---------------------------------------------------------------------------------

    def _url(self) -> str:
        assert self.database_url is not None, "start() resolves the database URL"
        return self.database_url

    async def _open(self, line: _Line) -> psycopg.AsyncConnection[Any]:
        if line.conn is not None and not line.conn.closed:
            return line.conn
        kwargs: dict[str, Any] = {
            "autocommit": True, "application_name": APPLICATION_NAME, "connect_timeout": CONNECT_TIMEOUT_S,
        }
        if self.tenant_id:
            kwargs["options"] = f"-c app.tenant_id={self.tenant_id}"
        conn: psycopg.AsyncConnection[Any] = await psycopg.AsyncConnection.connect(self._url(), **kwargs)
        line.conn = conn
        return conn

    async def _call(self, function: str, args: str, params: tuple[Any, ...]) -> Any:
        """One queue call, reconnecting first when its connection was lost. Claims have a
        connection of their own, so a claim and a completion overlap; calls on one connection
        take turns."""
        line = self._lines[0 if function == "jobforge_claim_jobs" else 1]
        async with line.lock:
            conn = await self._open(line)
            try:
                cur = await conn.execute(_sql.call(function, args), params)
                row = await cur.fetchone()
                return None if row is None else row[0]
            except psycopg.Error as error:
                if is_connection_error(error) or conn.broken:
                    await conn.close()
                    line.conn = None
                    raise
                raise to_queue_error(error, function) from error

    async def _claim(self, limit: int) -> list[Job]:
        out = await self._call(
            "jobforge_claim_jobs", "%s, %s, %s::text[], %s, %s::uuid",
            (self.id, limit, self.types, self.lease_ms, None),
        )
        return [Job.from_claim(row, out["lease"]) for row in out["jobs"]]

    # -- the fetch loop ---------------------------------------------------------------------------

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._kick.wait(), seconds)
        except asyncio.TimeoutError:
            pass
        self._kick.clear()

    def _adapt(self) -> None:
        if self.fixed_prefetch is None:
            wanted = 2 * self.concurrency * self._claim_ms / max(self._handler_ms, 0.001)
            self.prefetch = min(MAX_PREFETCH, max(0, math.ceil(wanted)))

    async def _fetch_loop(self) -> None:
        failures = 0
        poll = self.poll_ms / 1000
        while not self._stopping:
            self._adapt()
            capacity = self.concurrency + self.prefetch
            room = capacity - len(self._buffer) - len(self._running)
            if room <= 0 or (self._buffer and room < math.ceil(capacity / 2)):
                await self._pause(poll)
                continue
            self._woken = False
            try:
                started = time.monotonic()
                jobs = await self._claim(room)
                self._claim_ms = 0.8 * self._claim_ms + 0.2 * (time.monotonic() - started) * 1000
                if failures:
                    self.log.info("database reachable again", after_failures=failures)
                failures = 0
            except Exception as error:
                failures += 1
                lost = is_connection_error(error)
                if lost:
                    self.log.warn("database unreachable; retrying", error=str(error).strip())
                else:
                    self.log.error("claim failed", error=str(error))
                await self._pause(reconnect_delay(failures, random.random()) if lost else poll)
                continue
            if self._stopping:
                await self._release(jobs)
                break
            self.stats.claimed += len(jobs)
            self._buffer.extend(jobs)
            self._dispatch()
            if len(jobs) < room and not self._woken:
                await self._pause(poll)

    def _dispatch(self) -> None:
        while not self._stopping and len(self._running) < self.concurrency and self._buffer:
            self._start(self._buffer.popleft())

    def _start(self, job: Job) -> None:
        handler = self.handlers.get(job.type)
        if handler is None:
            known = ", ".join(self.handlers) or "nothing"
            self.log.error("no handler for this job type; the job is dead", job_id=job.id, trace_id=job.trace_id, type=job.type)
            self._finish(job, {
                "ok": False,
                "retryable": False,
                "error": {
                    "code": "UNKNOWN_JOB_TYPE",
                    "message": f'no handler is registered for job type "{job.type}" (this worker handles: {known})',
                },
            })
            return
        entry = _Running(job, JobContext(job, self.id, self.log))
        self._running[job.id] = entry
        entry.task = asyncio.create_task(self._execute(entry, handler))
        entry.timer = asyncio.get_running_loop().call_later(self.job_timeout_ms / 1000, self._time_out, entry)

    def _abandon(self, entry: _Running) -> None:
        """Stops a running job without recording an outcome (its lease is lost, or it is released)."""
        entry.settled = True
        if entry.timer is not None:
            entry.timer.cancel()
        entry.ctx.cancelled.set()
        if entry.task is not None:
            entry.task.cancel()

    def _time_out(self, entry: _Running) -> None:
        # Settled here, not when the task notices its cancellation: a handler may ignore it.
        entry.ctx.cancelled.set()
        if entry.task is not None:
            entry.task.cancel()
        timeout = JobFailure("JOB_TIMEOUT", f"the handler ran longer than {self.job_timeout_ms} ms")
        self._settle(entry, failure_outcome(timeout, entry.ctx.evidence))

    async def _execute(self, entry: _Running, handler: Handler) -> None:
        ctx = entry.ctx
        try:
            outcome = success_outcome(await self._invoke(handler, entry.job, ctx), ctx.evidence)
        except asyncio.CancelledError:
            return  # timed out, lease lost or shut down: whoever cancelled has settled the job
        except Exception as error:
            outcome = failure_outcome(error, ctx.evidence, with_traceback=self.store_tracebacks)
        self._settle(entry, outcome)

    async def _invoke(self, handler: Handler, job: Job, ctx: JobContext) -> Any:
        if inspect.iscoroutinefunction(handler):
            return await handler(job, ctx)
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._executor, handler, job, ctx)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _settle(self, entry: _Running, outcome: dict[str, Any]) -> None:
        if entry.settled:
            return
        entry.settled = True
        if entry.timer is not None:
            entry.timer.cancel()
        self._handler_ms = 0.9 * self._handler_ms + 0.1 * (time.monotonic() - entry.started) * 1000
        self._running.pop(entry.job.id, None)
        self._finish(entry.job, outcome)
        self._dispatch()
        self._kick.set()

    # -- completions ------------------------------------------------------------------------------

    def _finish(self, job: Job, outcome: dict[str, Any]) -> None:
        self._awaiting[job.id] = job
        self._completions.push(job, outcome)

    async def _complete(self, items: str) -> list[dict[str, str]]:
        done: list[dict[str, str]] = await self._call("jobforge_complete_jobs", "%s::jsonb, %s::uuid", (items, None))
        return done

    def _settled(self, job: Job, outcome: dict[str, Any], status: str | None) -> None:
        self._awaiting.pop(job.id, None)
        fields = {"job_id": job.id, "trace_id": job.trace_id, "type": job.type}
        if status is None:
            self.stats.lost += 1
            self.log.warn("result not recorded: the lease was lost, the job will run again", **fields)
        elif status == "succeeded":
            self.stats.succeeded += 1
            self.log.debug("job succeeded", **fields)
        else:
            if status == "dead":
                self.stats.dead += 1
            else:
                self.stats.failed += 1
            message = "job dead" if status == "dead" else "job failed, will retry"
            self.log.warn(message, error=outcome.get("error"), **fields)

    async def _release(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        items = json.dumps([{"id": j.id, "lease": j.lease} for j in jobs])
        for failures in range(5):
            try:
                ids = await self._call("jobforge_release_jobs", "%s::jsonb, %s::uuid", (items, None))
                self.stats.released += len(ids)
                self.log.info("released jobs to the queue", jobs=len(ids))
                return
            except Exception as error:
                self.log.warn("releasing jobs failed; their leases will expire instead", error=str(error).strip())
                if not is_connection_error(error):
                    return
                await asyncio.sleep(reconnect_delay(failures + 1, random.random()))

    # -- heartbeats and notifications -------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_ms / 1000)
            held = [*self._buffer, *(r.job for r in self._running.values()), *self._awaiting.values()]
            if not held:
                continue
            leases = {j.lease for j in held}
            try:
                kept = set(await self._call(
                    "jobforge_heartbeat_job", "%s::uuid[], %s, %s::uuid", (list(leases), self.lease_ms, None)
                ))
            except Exception as error:
                self.log.warn("heartbeat failed", error=str(error).strip())
                continue
            for job in [j for j in self._buffer if j.lease in leases and j.id not in kept]:
                self._buffer.remove(job)
                self.stats.lost += 1
                self.log.warn("lease lost before the job started; dropping it here", job_id=job.id)
            for entry in list(self._running.values()):
                if entry.settled or entry.job.lease not in leases or entry.job.id in kept:
                    continue
                self._abandon(entry)
                self._running.pop(entry.job.id, None)
                self.stats.lost += 1
                self.log.warn("lease lost while running; the job will run again elsewhere",
                              job_id=entry.job.id, trace_id=entry.job.trace_id)

    async def _listen_loop(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url(), autocommit=True, application_name=APPLICATION_NAME,
                    connect_timeout=CONNECT_TIMEOUT_S,
                ) as conn:
                    await conn.execute(f"listen {_sql.CHANNEL}")
                    failures = 0
                    async for note in conn.notifies():
                        if self.types and note.payload and note.payload not in self.types:
                            continue
                        self._woken = True
                        self._kick.set()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                self.log.warn("LISTEN connection lost; polling until it is back", error=str(error).strip())
                await asyncio.sleep(reconnect_delay(failures, random.random()))


