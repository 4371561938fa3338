"""JSON log lines on stderr, one object per line, shaped as the TypeScript worker's."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Any, Callable, TextIO

LEVELS = {"debug": 10, "info": 20, "warn": 30, "error": 40}


class JsonLogger:
    """Writes ``{"time","level","msg",...fields}``; ``child`` adds fields such as job_id and trace_id."""

    def __init__(
        self,
        level: str = "info",
        fields: dict[str, Any] | None = None,
        write: Callable[[str], Any] | None = None,
        stream: TextIO | None = None,
    ) -> None:
        if level not in LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LEVELS)}, got {level!r}")
        self.level = level
        self.fields = fields or {}
        out = stream or sys.stderr
        self._write = write or (lambda line: (out.write(line), out.flush()))

    def child(self, **fields: Any) -> JsonLogger:
        return JsonLogger(self.level, {**self.fields, **fields}, self._write)

    def log(self, level: str, msg: str, **fields: Any) -> None:
        if LEVELS[level] < LEVELS[self.level]:
            return
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        line = {"time": now, "level": level, "msg": msg}
        line.update((k, v) for k, v in {**self.fields, **fields}.items() if v is not None)
        self._write(json.dumps(line, default=str, separators=(",", ":")) + "\n")

    def debug(self, msg: str, **fields: Any) -> None:
        self.log("debug", msg, **fields)

    def info(self, msg: str, **fields: Any) -> None:
        self.log("info", msg, **fields)

    def warn(self, msg: str, **fields: Any) -> None:
        self.log("warn", msg, **fields)

    def error(self, msg: str, **fields: Any) -> None:
        self.log("error", msg, **fields)


def silent_logger() -> JsonLogger:
    return JsonLogger("error", write=lambda _line: None)
