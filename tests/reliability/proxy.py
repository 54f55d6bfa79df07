"""A TCP proxy that can make a server "go away" without touching the server itself."""

import contextlib
import socket
import struct
import threading


class Proxy:
    """Forwards 127.0.0.1:``port`` to ``target``.

    ``down()`` cuts every open connection and resets new ones at once (a stopped
    database); ``down(hang=True)`` cuts them too but leaves new ones unanswered (a host
    gone from the network, a frozen server); ``up()`` forwards again.
    """

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.hang = False
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def down(self, *, hang: bool = False) -> None:
        self.hang = hang
        self.open.clear()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _reset(sock)

    def up(self) -> None:
        if self.hang:
            self.down()  # the connections left waiting
        self.open.set()

    def close(self) -> None:
        self._closed = True
        self.down()
        with contextlib.suppress(OSError):
            self.listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                if self.hang:  # accepted, never answered; cut at the next up() or down()
                    with self._lock:
                        self._sockets.add(client)
                else:
                    _reset(client)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._sockets.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with self._lock:
                self._sockets.discard(sock)
            _reset(sock)


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset: the peer sees "connection reset", not a polite goodbye."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
