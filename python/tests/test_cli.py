"""`python -m jobforge.worker`: usage and environment errors exit 2 with a coded message."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "jobforge.worker", *args],
        cwd=ROOT, env={**base, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}", **(env or {})},
        capture_output=True, text=True, timeout=60,
    )


def test_help_lists_the_flags_of_the_typescript_worker() -> None:
    out = run("run", "--help")
    assert out.returncode == 0
    for flag in ("--concurrency", "--types", "--lease-ms", "--poll-ms", "--log-level", "--app"):
        assert flag in out.stdout


def test_an_app_that_does_not_import_exits_2() -> None:
    out = run("run", "--app", "no_such_module_here")
    assert out.returncode == 2
    assert "APP_NOT_FOUND" in out.stderr and "Traceback" not in out.stderr


def test_an_app_that_is_not_a_worker_exits_2() -> None:
    out = run("run", "--app", "os:path")
    assert out.returncode == 2 and "is not a jobforge.worker.Worker" in out.stderr


def test_no_database_exits_2() -> None:
    out = run("run", "--app", "sample_app:worker")
    assert out.returncode == 2 and "DATABASE_URL_MISSING" in out.stderr


def test_a_bad_option_exits_2() -> None:
    out = run("run", "--app", "sample_app:worker", "--concurrency", "0", env={"DATABASE_URL": "postgres://x"})
    assert out.returncode == 2 and "INVALID_OPTION" in out.stderr
