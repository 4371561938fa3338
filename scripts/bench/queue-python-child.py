"""The Python side of the jobforge-python bench variant (scripts/bench/queue-python-adapter.mjs).

Reads one JSON request per line on stdin and answers each with {"id", "ok"} or {"id", "error"}:
  {"op": "enqueueOne", "payload"}      jobforge.enqueue_job
  {"op": "enqueueBatch", "payloads"}   jobforge.enqueue_jobs, one call
  {"op": "startWorker", "concurrency"} a jobforge.worker.Worker with a no-op handler
  {"op": "stopWorker"}                 its graceful stop
The payloads of the jobs the worker's handler ran are reported as {"handled": [payload, ...]}, one
line per event-loop turn, so the harness counts every job without a pipe write per job.
"""

import asyncio
import json
import sys
from typing import Any

import jobforge
from jobforge.worker import Worker

TYPE = "bench"
TENANT = "00000000-0000-4000-8000-00000000be9c"


def send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


handled: list[Any] = []


def report_handled() -> None:
    send({"handled": handled[:]})
    handled.clear()


async def main(url: str) -> None:
    conn = jobforge.connect(url, tenant_id=TENANT)
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=64 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    worker: Worker | None = None
    while True:
        line = await stdin.readline()
        if not line:
            break
        request = json.loads(line)
        try:
            op = request["op"]
            if op == "enqueueOne":
                # The client is synchronous; no worker runs during the enqueue measurements.
                jobforge.enqueue_job(conn, TYPE, request["payload"])
            elif op == "enqueueBatch":
                jobs = [{"type": TYPE, "payload": p} for p in request["payloads"]]
                jobforge.enqueue_jobs(conn, jobs)
            elif op == "startWorker":
                worker = Worker(url, concurrency=int(request["concurrency"]))

                @worker.handler(TYPE)
                async def handle(job: Any, ctx: Any) -> None:
                    if not handled:
                        loop.call_soon(report_handled)
                    handled.append(job.payload)

                await worker.start()
            elif op == "stopWorker" and worker is not None:
                await worker.stop()
                worker = None
            send({"id": request["id"], "ok": True})
        except Exception as error:  # reported to the harness, which fails the measurement
            send({"id": request.get("id"), "error": f"{type(error).__name__}: {error}"})
    if worker is not None:
        await worker.stop()
    conn.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
