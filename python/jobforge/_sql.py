"""The queue's SQL calls, each one statement calling one function, shared by client and worker."""

from __future__ import annotations

#: The schema that holds every JobForge table and function.
SCHEMA = "jobforge"

#: The channel the enqueue functions NOTIFY with the job type ('' for a batch).
CHANNEL = "jobforge_jobs"


def call(function: str, args: str) -> str:
    """``select <schema>.<function>(<args>) as r``: every queue call returns one JSON value."""
    return f"select {SCHEMA}.{function}({args}) as r"
