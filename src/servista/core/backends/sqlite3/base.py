"""SQLite with a real health check (Django's says every SQLite connection
is usable): a statement on the in-process connection, which costs
microseconds, so a closed handle is replaced rather than failing a request."""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None:
            return False
        try:
            self.connection.execute("SELECT 1").fetchone()
        except base.Database.Error:
            return False
        return True

    def close_if_health_check_failed(self):
        if self.connection is not None and self.health_check_enabled \
                and not self.health_check_done and not self.is_usable():
            # Django keeps an in-memory database's connection open whatever
            # happens (closing it would lose the database); a handle that no
            # longer works holds nothing, so it is replaced all the same.
            BaseDatabaseWrapper.close(self)
        super().close_if_health_check_failed()
