"""Per-process caches of small reference data read on hot paths (the
priority matrix, the service desk group).

A value is loaded on first use and kept for ``ttl`` seconds; saving or
deleting a row of one of the ``models`` in this process drops it at once.
Other processes see a change within ``ttl`` seconds.
"""

import threading
import time

from django.db.models.signals import post_delete, post_save

_all: list["RefCache"] = []


class RefCache:
    def __init__(self, loader, *, models, ttl: float = 10.0):
        self.loader = loader
        self.models = models
        self.ttl = ttl
        self._value = None
        self._expires = 0.0
        self._lock = threading.Lock()
        _all.append(self)
        self._connected = False

    def _connect(self) -> None:
        for model in self.models:
            post_save.connect(self._on_change, sender=model, weak=False)
            post_delete.connect(self._on_change, sender=model, weak=False)
        self._connected = True

    def _on_change(self, **kwargs) -> None:
        self.clear()

    def get(self):
        now = time.monotonic()
        if now >= self._expires:
            with self._lock:
                if not self._connected:
                    self._connect()
                if now >= self._expires:
                    self._value = self.loader()
                    self._expires = now + self.ttl
        return self._value

    def clear(self) -> None:
        self._expires = 0.0


def clear_all() -> None:
    """Drop every cached value (tests roll back rows behind the caches' backs)."""
    for cache in _all:
        cache.clear()
