"""The errors JobForge raises for conditions a caller can act on, with stable codes."""

from __future__ import annotations

from typing import Any

#: SQLSTATEs raised by the queue's SQL functions, and the stable codes they become (as in TypeScript).
SQLSTATE_CODES: dict[str, str] = {
    "JF001": "PAYLOAD_TOO_LARGE",
    "JF002": "TENANT_FORBIDDEN",
    "JF003": "INVALID_TENANT",
    "JF004": "INVALID_JOB",
    "22P02": "INVALID_JOB",
    "22P05": "INVALID_JOB",
    "22007": "INVALID_JOB",
    "22008": "INVALID_JOB",
    "22003": "INVALID_JOB",
    "23514": "INVALID_JOB",
    "23502": "INVALID_JOB",
    "42883": "QUEUE_NOT_MIGRATED",
    "42P01": "QUEUE_NOT_MIGRATED",
    "3F000": "QUEUE_NOT_MIGRATED",
}


class JobForgeError(Exception):
    """A failure with a stable ``code``, where it happened and how to fix it.

    Example::

        try:
            enqueue_job(conn, "email.send", {"when": datetime.now()})
        except JobForgeError as error:
            print(error.code)  # PAYLOAD_NOT_JSON
    """

    def __init__(
        self, code: str, message: str, *, where: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" + (f" ({self.hint})" if self.hint else "")


class JobFailure(Exception):
    """Raised by a handler to fail a job with a stable code, say whether a retry can help, and
    attach evidence. Any other exception fails the job as retryable with code HANDLER_ERROR.

    Example::

        raise JobFailure("UPSTREAM_4XX", "the API refused the request", retryable=False)
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool = True,
        retry_in_ms: float | None = None,
        evidence: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.retry_in_ms = retry_in_ms
        self.evidence = evidence


def is_connection_error(error: BaseException) -> bool:
    """True when the error means the database could not be reached (retry later), not a bad request."""
    import psycopg

    if isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError, OSError)):
        state = getattr(error, "sqlstate", None)
        return state is None or state.startswith(("08", "57P"))
    return False


def to_queue_error(error: BaseException, where: str) -> BaseException:
    """Turns a database error from a queue function into a JobForgeError with a stable code."""
    state = getattr(error, "sqlstate", None)
    code = SQLSTATE_CODES.get(state) if isinstance(state, str) else None
    if code is None:
        return error
    diag = getattr(error, "diag", None)
    message = getattr(diag, "message_primary", None) or str(error)
    hint = getattr(diag, "message_hint", None)
    if code == "QUEUE_NOT_MIGRATED":
        hint = "run `jobforge db migrate` against this database first"
    return JobForgeError(code, message, where=where, hint=hint)
