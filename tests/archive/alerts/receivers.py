"""Real receivers on loopback for the alert tests: an SMTP server (aiosmtpd) and an HTTP
server that checks webhook signatures as the README tells receivers to."""

import email
import email.policy
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from tests.net import free_port


class Mailbox:
    """What the SMTP server received, each message parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.times: list[float] = []  # time.monotonic() of each arrival
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        self.times.append(time.monotonic())
        self.received.set()
        return "250 OK"


def smtp_server() -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox


@dataclass
class Received:
    headers: dict
    body: bytes
    signed: bool  # the signature matched the secret
    at: float = 0.0  # time.monotonic() of its arrival


@dataclass
class Receiver:
    """An HTTP server on loopback: answers POSTs with the next status of ``statuses``
    (then 200), verifying each signature with ``secret``; ``hold`` makes it wait before
    answering (a receiver holding the request while a worker is killed)."""

    secret: str = ""
    statuses: list[int] = field(default_factory=list)
    seen: list[Received] = field(default_factory=list)
    hold: threading.Event | None = None
    got: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> list[str]:
        return [r.headers["X-Archive-Delivery"] for r in self.seen]


def verify(secret: str, headers, body: bytes) -> bool:
    """The README's check: HMAC-SHA256 of "timestamp.body" with the webhook's secret."""
    timestamp = headers.get("X-Archive-Timestamp", "")
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + mac.hexdigest(), headers.get("X-Archive-Signature", ""))


def http_server(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            receiver.seen.append(
                Received(
                    dict(self.headers),
                    body,
                    verify(receiver.secret, self.headers, body),
                    at=time.monotonic(),
                )
            )
            receiver.got.set()
            if receiver.hold is not None:
                receiver.hold.wait(30)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.url + "/moved")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver.port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
