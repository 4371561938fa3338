"""``python -m jobforge.worker run --app module:worker``: runs a Worker until SIGTERM/SIGINT.

Flags match ``jobforge worker`` (--concurrency, --types, --lease-ms, --poll-ms, --log-level) and
the database comes from DATABASE_URL (or --database-url), as for the TypeScript worker.
Exit codes: 0 stopped cleanly, 2 usage or environment error, 3 internal bug.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
from typing import Any

from ..errors import JobForgeError
from ._log import JsonLogger
from ._worker import Worker

EXIT_OK, EXIT_USAGE, EXIT_BUG = 0, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m jobforge.worker", description="JobForge worker for Python")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run queued jobs until SIGTERM/SIGINT")
    run.add_argument("--app", required=True, help="module:attribute of a jobforge.worker.Worker (attribute default: worker)")
    run.add_argument("--database-url", help="PostgreSQL URL (default: $DATABASE_URL)")
    run.add_argument("--concurrency", type=int, default=4, help="jobs in flight at most (default 4)")
    run.add_argument("--types", action="append", default=[], help="claim only these job types (comma-separated; repeatable)")
    run.add_argument("--lease-ms", type=int, default=30_000, help="lease per claim (default 30000)")
    run.add_argument("--poll-ms", type=int, default=1000, help="poll interval without notifications (default 1000)")
    run.add_argument("--job-timeout-ms", type=int, default=300_000, help="fail an attempt running longer (default 300000)")
    run.add_argument("--log-level", choices=["debug", "info", "warn", "error"], default="info", help="JSON log lines on stderr from this level up")
    run.add_argument("--store-tracebacks", action="store_true", help="store the traceback with a handler's error")
    run.add_argument("--json", action="store_true", help="print the final counts as JSON")
    return parser


def load_app(spec: str) -> Worker:
    """Imports ``module:attribute`` and checks that it is a Worker."""
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise JobForgeError("APP_NOT_FOUND", f"cannot import {module_name!r}: {error}", where="--app",
                            hint="run from the folder that holds the module, or set PYTHONPATH") from None
    app: Any = getattr(module, attr or "worker", None)
    if not isinstance(app, Worker):
        raise JobForgeError("APP_NOT_FOUND", f"{spec} is not a jobforge.worker.Worker", where="--app",
                            hint="define `worker = Worker()` in the module and register handlers on it")
    return app


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        worker = load_app(args.app)
        worker.database_url = args.database_url or worker.database_url or os.environ.get("DATABASE_URL")
        worker.configure(
            concurrency=args.concurrency,
            types=[t for v in args.types for t in v.split(",") if t],
            lease_ms=args.lease_ms,
            poll_ms=args.poll_ms,
            job_timeout_ms=args.job_timeout_ms,
            store_tracebacks=args.store_tracebacks,
            logger=JsonLogger(args.log_level),
        )
        stats = worker.run()
    except JobForgeError as error:
        print(f"error {error.code}: {error.message}" + (f"\n  hint: {error.hint}" if error.hint else ""), file=sys.stderr)
        return EXIT_USAGE
    counts = vars(stats)
    if args.json:
        print(json.dumps({"ok": True, **counts}))
    else:
        print(f"worker stopped: {stats.succeeded} succeeded, {stats.failed} failed (will retry), "
              f"{stats.dead} dead, {stats.released} released")
    return EXIT_OK


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # A synchronous handler stuck past its timeout keeps a thread; it must not keep the process.
    if threading.active_count() > 1:
        os._exit(code)
    sys.exit(code)
