"""JSON log lines for production: one object per line on stdout, easy to ship and query."""

import datetime as dt
import io
import json
import logging
import logging.config
import sys
import threading

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Format a record as ``{"time", "level", "logger", "message", ...extra}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a request object or a path passed in ``extra`` must not break logging.
        return json.dumps(entry, default=str, ensure_ascii=False)


class Brief(logging.Filter):
    """A warning of one line, for what a client's request caused and nobody here can fix
    (a Host header this site is not, sent by every scanner): Django logs it as an error
    with a traceback, which would flood the error log and its alerts."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


class JsonLines(io.TextIOBase):
    """A stream that writes each line given to it as a JSON log object: for what a
    library prints to stderr itself (gunicorn prints why a worker failed to boot)."""

    def __init__(self, stream, name: str = "stderr"):
        self.stream, self.name, self.pending = stream, name, ""
        self.formatter = JsonFormatter()

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            if line.strip():
                record = logging.makeLogRecord({"name": self.name, "msg": line})
                record.levelname = "ERROR"
                self.stream.write(self.formatter.format(record) + "\n")
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self):
        return getattr(self.stream, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self.stream, "errors", "strict")

    def writable(self) -> bool:
        return True


def configure_json(config: dict) -> None:
    """Django's LOGGING_CONFIG for JSON: the settings, then nothing else left as text."""
    logging.config.dictConfig(config)
    log_everything_as_json()


def log_everything_as_json() -> None:
    """Uncaught exceptions of any thread become log records (the traceback a field), and
    lines printed to stderr become JSON objects. Idempotent."""
    sys.excepthook = _log_uncaught
    threading.excepthook = lambda args: _log_uncaught(
        args.exc_type, args.exc_value, args.exc_traceback, args.thread
    )
    if not isinstance(sys.stderr, JsonLines):
        sys.stderr = JsonLines(sys.stderr)


def _log_uncaught(kind, error, traceback, thread=None) -> None:
    if issubclass(kind, SystemExit | KeyboardInterrupt):
        return sys.__excepthook__(kind, error, traceback)
    where = f" in thread {thread.name}" if thread else ""
    logging.getLogger("uncaught").critical(
        "Uncaught %s%s", kind.__name__, where, exc_info=(kind, error, traceback)
    )
