"""JobForge for Python: the queue's client and worker, and evidence verification.

Every call is one SQL function of the JobForge queue, so Python and TypeScript producers and
workers share one PostgreSQL queue.
"""

from .canonicalize import canonicalize, hash_output
from .client import (
    JobChange,
    Enqueued,
    cancel_job,
    connect,
    enqueue_job,
    enqueue_jobs,
    get_job,
    get_result,
    list_jobs,
    reschedule_job,
)
from .errors import JobFailure, JobForgeError
from .evidence import VerifyResult, key_id_of, verify_evidence
from .payload import MAX_PAYLOAD_BYTES

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "Enqueued",
    "JobChange",
    "JobFailure",
    "JobForgeError",
    "VerifyResult",
    "cancel_job",
    "canonicalize",
    "connect",
    "enqueue_job",
    "enqueue_jobs",
    "get_job",
    "get_result",
    "hash_output",
    "key_id_of",
    "list_jobs",
    "reschedule_job",
    "verify_evidence",
]
