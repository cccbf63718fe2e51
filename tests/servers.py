"""Throwaway network peers for tests of failures: a server that accepts
connections and never answers, and a Redis of the test's own (never the
shared one), started and stopped by the test."""

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SilentServer:
    """Listens on 127.0.0.1, accepts every connection, reads nothing and
    answers nothing; counts the connections it was offered."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        self.sock.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(timeout=2)
        for conn in self.accepted:
            conn.close()
        self.sock.close()

    @property
    def connections(self) -> int:
        return len(self.accepted)


def closed_port() -> int:
    """A port nothing listens on (connections are refused)."""
    return free_port()


@contextmanager
def redis_server(port: int | None = None):
    """A redis-server of this test alone, on a port of its own; yields its URL."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (scripts/test installs it)"
    port = port or free_port()
    workdir = tempfile.mkdtemp(prefix="servista-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def broker_at(url: str, timeout: float = 1):
    """Point the Celery app (and the settings) at ``url`` for a while, with
    fresh connection pools on the way in and out (a stopped worker leaves
    closed connections in them)."""
    from django.conf import settings

    from servista.core import broker

    app = broker.app
    saved = (settings.BROKER_URL, app.conf.broker_url, dict(app.conf.broker_transport_options),
             app.conf.broker_connection_timeout)

    def reset_pools():
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    try:
        settings.BROKER_URL = url
        app.conf.broker_url = url
        app.conf.broker_transport_options = {**saved[2], "socket_timeout": timeout,
                                             "socket_connect_timeout": timeout}
        app.conf.broker_connection_timeout = timeout
        reset_pools()
        yield app
    finally:
        settings.BROKER_URL, app.conf.broker_url = saved[0], saved[1]
        app.conf.broker_transport_options = saved[2]
        app.conf.broker_connection_timeout = saved[3]
        reset_pools()
