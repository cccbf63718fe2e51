"""PostgreSQL with a cheap health check.

A connection between two requests has nothing in flight, so the server has
nothing to tell it: if its socket has something to read, the server sent
it unasked, which it does when it ends the session (terminated backends, a
restart, an idle timeout) or when the connection breaks. Only then is the
round trip of ``SELECT 1`` made, to tell a fatal message from a harmless
notice; a quiet socket is usable at the cost of one ``select()``."""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK or \
                pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
        except (OSError, ValueError):
            return False
        if readable:
            return super().is_usable()
        return True
