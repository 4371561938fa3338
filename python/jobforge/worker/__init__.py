"""The JobForge worker for Python: ``Worker``, a handler registry by job type.

Run one from the command line with ``python -m jobforge.worker run --app module:worker``.
"""

from ._job import Handler, Job, JobContext
from ._log import JsonLogger
from ._worker import Worker, WorkerStats

__all__ = ["Handler", "Job", "JobContext", "JsonLogger", "Worker", "WorkerStats"]
