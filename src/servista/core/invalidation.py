"""Per-process caches that every process drops at once when what they hold
changes, wherever the change is made (another web process, a worker, the
command line, another machine).

A cache subscribes to a topic (``subscribe("accounts", cache.clear)``); code
that changes what it holds announces the topic (``announce("accounts")``),
inside the changing transaction. Before trusting its cache, a process
``poll()``s: announcements committed elsewhere since the last poll clear
the caches of their topics. Announcements are rare (a token revoked, a
person deactivated, a group changed); polling costs next to nothing:

* PostgreSQL: ``NOTIFY`` in the changing transaction (delivered only when
  it commits), heard by a connection of each process that ``LISTEN``s; a
  poll reads what arrived on its socket without a round trip. While that
  connection is missing or broken, ``poll()`` says the caches cannot be
  trusted (and they are cleared when it is back: something may have been
  missed).
* SQLite (one machine): once the change commits, a stamp file in
  SERVISTA_HOME is replaced; a poll compares the file's identity
  (``os.stat``) with the last one seen, and clears every cache when it moved.
"""

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

log = logging.getLogger("servista.caches")

CHANNEL = "servista_caches"

_subscribers: dict[str, list[Callable]] = {}


def subscribe(topic: str, clear: Callable[[], object]) -> None:
    _subscribers.setdefault(topic, [])
    if clear not in _subscribers[topic]:
        _subscribers[topic].append(clear)


def clear(topic: str | None = None) -> None:
    """Clear the caches of ``topic`` (of every topic when None) in this process."""
    for name, callbacks in _subscribers.items():
        if topic is None or name == topic:
            for callback in callbacks:
                callback()


def announce(topic: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """What ``topic``'s caches hold is changing in the current transaction:
    this process drops them now and once it commits (a read in between
    could cache the old value again), every other process once it commits."""
    clear(topic)
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, topic])
    transaction.on_commit(lambda: _committed(topic, connection.vendor), using=using)


def _committed(topic: str, vendor: str) -> None:
    clear(topic)
    if vendor != "postgresql":
        receiver.stamp()


class Receiver:
    """This process's ear for announcements made by the others."""

    def __init__(self, alias: str = DEFAULT_DB_ALIAS):
        self.alias = alias
        self.lock = threading.Lock()
        self.pid = None
        self.vendor = None
        self.listener = None      # PostgreSQL: the LISTENing connection
        self.seen = None          # SQLite: the stamp file's identity at the last poll
        self._stamp_path = None

    # --- SQLite ------------------------------------------------------------------

    @property
    def stamp_path(self) -> str:
        if self._stamp_path is None:
            self._stamp_path = str(Path(settings.HOME) / "caches.stamp")
        return self._stamp_path

    def _stamp_identity(self):
        try:
            info = os.stat(self.stamp_path)
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def stamp(self) -> None:
        path = Path(self.stamp_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(os.urandom(8))
        os.replace(temporary, path)  # a new file: a new identity

    # --- PostgreSQL -------------------------------------------------------------------

    def _listen(self):
        import psycopg

        params = connections[self.alias].get_connection_params()
        for key in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
            params.pop(key, None)
        listener = psycopg.connect(**params, autocommit=True)
        listener.execute(f"LISTEN {CHANNEL}")
        return listener

    def _drop_listener(self) -> None:
        if self.listener is not None:
            try:
                self.listener.close()
            except Exception as exc:  # noqa: BLE001 - already broken
                log.debug("closing the listener: %s", exc)
        self.listener = None

    def _poll_postgresql(self) -> bool:
        if self.listener is None:
            try:
                self.listener = self._listen()
            except Exception as exc:  # noqa: BLE001 - the database is away
                log.warning("cannot listen for cache changes: %s", exc)
                return False
            clear()  # whatever was announced before we listened
            return True
        pgconn = self.listener.pgconn
        try:
            pgconn.consume_input()
            topics = set()
            while (note := pgconn.notifies()) is not None:
                topics.add(note.extra.decode())
        except Exception as exc:  # noqa: BLE001 - the connection broke
            log.warning("lost the cache-change listener: %s", exc)
            self._drop_listener()
            clear()
            return False
        if self.listener.closed or self.listener.broken:
            self._drop_listener()
            clear()
            return False
        for topic in topics:
            clear(topic)
        return True

    # --- both ---------------------------------------------------------------------------

    def poll(self) -> bool:
        """Apply what other processes announced; False when this process
        cannot know (its caches must not be used for now)."""
        with self.lock:
            if self.pid != os.getpid():
                # A new process (forked): what it inherited is its parent's.
                self.pid, self.listener, self.seen = os.getpid(), None, None
                self.vendor = connections[self.alias].vendor
                clear()
            if self.vendor == "postgresql":
                return self._poll_postgresql()
            identity = self._stamp_identity()
            if identity != self.seen:
                self.seen = identity
                clear()
            return True

    def close(self) -> None:
        with self.lock:
            if self.pid == os.getpid():
                self._drop_listener()
            self.listener = None
            self.pid = None


receiver = Receiver()


def poll() -> bool:
    return receiver.poll()
