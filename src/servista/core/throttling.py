"""API request throttling: at most ``SERVISTA["API_RATE_LIMIT"]`` requests a
minute per credential (a token; a signed-in person for the browser), across
every process and machine; past it, 429 with Retry-After until the minute
ends.

The count is kept in the database (``RequestQuota``), one row per credential
and minute. A process does not write it on every request: it takes a share
of the minute's allowance at once (a twentieth of it, at most 50 requests)
and serves requests from that share, so that a busy token costs one short
autocommit statement every few dozen requests. A share not used up when the
minute ends is lost, which can only make the limit stricter, by at most one
share per process."""

import hashlib
import math
import threading
import time

from django.conf import settings
from django.db import connections

from servista.core.exceptions import Throttled
from servista.core.models import RequestQuota
from servista.core.numbering import numbering_alias

WINDOW = 60  # seconds
MAX_SHARE = 50

_TAKE = ("INSERT INTO core_requestquota (credential, minute, used) VALUES (%s, %s, %s) "
         "ON CONFLICT (credential, minute) DO UPDATE "
         "SET used = core_requestquota.used + excluded.used RETURNING used")


def limit() -> int:
    return settings.SERVISTA.get("API_RATE_LIMIT", 0)


def credential_of_token(raw: str) -> str:
    return "token:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def credential_of_user(user) -> str:
    return f"user:{user.pk}"


class Throttle:
    def __init__(self):
        self.shares: dict[str, tuple[int, int]] = {}  # credential -> (minute, left; -1 = spent)
        self.lock = threading.Lock()

    def take_share(self, credential: str, minute: int, allowance: int) -> int:
        """Add a share to the minute's count; how much of it fits the limit."""
        share = max(1, min(MAX_SHARE, allowance // 20))
        with connections[numbering_alias()].cursor() as cursor:
            cursor.execute(_TAKE, [credential, minute, share])
            used = cursor.fetchone()[0]
        return share - max(0, used - allowance)

    def check(self, credential: str) -> None:
        """Count one request of ``credential``; Throttled when over the limit."""
        allowance = limit()
        if allowance <= 0:
            return
        now = time.time()
        minute = int(now // WINDOW)
        with self.lock:
            held_minute, left = self.shares.get(credential, (None, 0))
            if held_minute == minute and left > 0:
                self.shares[credential] = (minute, left - 1)
                return
            if held_minute != minute or left == 0:
                granted = self.take_share(credential, minute, allowance)
                if len(self.shares) > 10000:
                    self.shares.clear()
                if granted > 0:
                    self.shares[credential] = (minute, granted - 1)
                    return
                self.shares[credential] = (minute, -1)
        retry_after = max(1, math.ceil((minute + 1) * WINDOW - now))
        raise Throttled(f"Too many requests: at most {allowance} a minute for this token; "
                        f"try again in {retry_after} seconds.", retry_after)

    def clear(self) -> None:
        with self.lock:
            self.shares.clear()


throttle = Throttle()


def purge(older_than_minutes: int = 60) -> int:
    cutoff = int(time.time() // WINDOW) - older_than_minutes
    deleted, _ = RequestQuota.objects.filter(minute__lt=cutoff).delete()
    return deleted
