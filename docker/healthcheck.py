"""The image's HEALTHCHECK: exit 0 when the local gunicorn answers 200 on /healthz.

Plain urllib, so the slim image needs no curl. The Host header is one the site accepts
(the first of ALLOWED_HOSTS), otherwise Django would answer 400 to a health check.
"""

import os
import sys
import urllib.error
import urllib.request


def health_url() -> str:
    bind = os.environ.get("GUNICORN_BIND", "")
    port = bind.rsplit(":", 1)[-1] if ":" in bind else os.environ.get("PORT", "8000")
    return f"http://127.0.0.1:{port}/healthz"


def host_header() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    named = [h.lstrip(".") for h in hosts if h != "*"]
    return named[0] if named else "localhost"


def main() -> int:
    request = urllib.request.Request(health_url(), headers={"Host": host_header()})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:  # 503: the body says which check failed
        print(f"unhealthy ({exc.code}): {exc.read().decode(errors='replace')}", file=sys.stderr)
        return 1
    except OSError as exc:  # refused, timed out: not up yet, or wedged
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
