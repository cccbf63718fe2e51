"""Per-process caches of small reference data read on hot paths (the
priority matrix, the service desk group).

A value is loaded on first use and kept for ``ttl`` seconds at most;
saving or deleting a row of one of the ``models``, in any process, drops it
in every process at once (``core.invalidation``, one topic per model). While
a process cannot hear of changes made elsewhere, it does not use the cache.
"""

import threading
import time

from django.db.models.signals import post_delete, post_save

from servista.core import invalidation

_all: list["RefCache"] = []


def topic_of(model) -> str:
    return f"model:{model._meta.label_lower}"


def _announce_change(sender, **kwargs) -> None:
    invalidation.announce(topic_of(sender))


class RefCache:
    def __init__(self, loader, *, models, ttl: float = 10.0):
        self.loader = loader
        self.models = models
        self.ttl = ttl
        self._value = None
        self._expires = 0.0
        self._lock = threading.Lock()
        _all.append(self)
        for model in models:
            post_save.connect(_announce_change, sender=model, weak=False,
                              dispatch_uid=f"refcache:{topic_of(model)}:save")
            post_delete.connect(_announce_change, sender=model, weak=False,
                                dispatch_uid=f"refcache:{topic_of(model)}:delete")
            invalidation.subscribe(topic_of(model), self.clear)

    def get(self):
        if not invalidation.poll():
            return self.loader()
        now = time.monotonic()
        if now >= self._expires:
            with self._lock:
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
