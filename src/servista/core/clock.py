"""The current time as Servista's records see it.

Model defaults and the services read ``clock.now()``. It is
``django.utils.timezone.now()`` except inside ``clock.at(when)``, which the
demo-data generator uses to play a few months of history with the right
timestamps on every record, journal entry and notification.
"""

import contextlib
import contextvars

from django.utils import timezone

_moved_to: contextvars.ContextVar = contextvars.ContextVar("servista_clock", default=None)


def now():
    return _moved_to.get() or timezone.now()


@contextlib.contextmanager
def at(when):
    """Within the block, ``now()`` is ``when``."""
    token = _moved_to.set(when)
    try:
        yield when
    finally:
        _moved_to.reset(token)
