"""Gunicorn settings, from the environment; used by the image's CMD and the native test."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.env import env_bool, env_int, env_str
from config.logging import log_everything_as_json

bind = [env_str("GUNICORN_BIND", f"0.0.0.0:{env_int('PORT', 8000)}")]
# WEB_CONCURRENCY is the name platforms (Heroku, Render, Dokku) set; ours wins when given.
workers = env_int("GUNICORN_WORKERS", env_int("WEB_CONCURRENCY", 2))
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# No control socket: the app is stopped and scaled by the container runtime, and the
# socket's default place ($HOME/.gunicorn) would be shared by every gunicorn of a user.
control_socket_disable = True
# A search's address carries its query, read up to 500 characters (the rest cut with a
# notice): at most 6 KB percent-encoded, so gunicorn's largest cap, 8,190 bytes, holds
# every query the archive reads (its default, 4,094, did not). No cap (0) is no option:
# gunicorn's Python parser reads a request line in time that grows with its square
# (16 MB: 24 s of CPU), before any throttle sees it. A header may hold such an address
# too (Referer), so fields get 16 KB.
limit_request_line = 8190
limit_request_field_size = 16 * 1024
accesslog = "-"
errorlog = "-"
# Heartbeat files on tmpfs: an overlay /tmp can stall workers under load in containers.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

_log_format = env_str("LOG_FORMAT", "plain" if env_bool("DEBUG", True) else "json")
if _log_format == "json":
    _stdout = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}
    logconfig_dict = {
        "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
        "handlers": {"console": _stdout, "error_console": _stdout},
        "root": {"level": "INFO", "handlers": ["console"]},  # not Python's plain last resort
        # propagate off: Django's own root handler would print every line a second time.
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
    log_everything_as_json()  # workers inherit it
