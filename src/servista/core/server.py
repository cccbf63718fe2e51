"""The web server of ``servista serve`` and ``servista demo``: gunicorn
running Servista's WSGI application in several worker processes.

Sync workers by default: a request is CPU work in Django plus a few short
database round trips, so one process per core plus one (to cover the round
trips) gives the most requests per second; more processes only fight over
the cores (bench/run.py on 2 cores: 3 workers beat 5); ``threads > 1`` switches to
gthread workers (keep-alive, more requests in flight per process). The
application is loaded once in the master and the workers are forked from it,
with every database connection closed first so that no worker inherits
another's socket.

Without a message broker (the embedded set-up) exactly one worker process
also runs the background worker (``EmbeddedWorker``): the first one to take
the lock file ``SERVISTA_HOME/worker.lock``. If that process ends, its
replacement takes the lock over.
"""

import fcntl
import gc
import os
from pathlib import Path

from django.conf import settings
from django.db import connections
from gunicorn.app.base import BaseApplication

from servista.core import tasks

MAX_DEFAULT_WORKERS = 12
# gunicorn's heartbeat files go here (created with mkstemp) when it exists.
RAM_DISK = "/dev/shm"  # noqa: S108


def cpu_count() -> int:
    """CPUs this process may use (honours container and affinity limits)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    return max(2, min(cpu_count() + 1, MAX_DEFAULT_WORKERS))


def close_connections() -> None:
    """Drop this process's database connections (before a fork)."""
    connections.close_all()


def before_fork(server, worker) -> None:
    """gunicorn ``pre_fork`` hook: no connection is shared with a child."""
    close_connections()


def start_embedded_worker(worker) -> None:
    """gunicorn ``post_worker_init`` hook: the worker process that gets the
    lock runs the embedded background worker thread."""
    if tasks.broker_configured():
        return
    lock_path = Path(settings.HOME) / "worker.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a")  # held open for the life of the process
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return
    runner = tasks.EmbeddedWorker()
    worker.servista_lock = handle  # the lock lives as long as the process
    worker.servista_runner = runner
    runner.start()
    worker.log.info("Background worker running in process %s", os.getpid())


def stop_embedded_worker(server, worker) -> None:
    """gunicorn ``worker_exit`` hook: let the background thread finish."""
    runner = getattr(worker, "servista_runner", None)
    if runner is not None:
        runner.stop()
        runner.join(timeout=10)


class ServistaServer(BaseApplication):
    """gunicorn configured from keyword options, serving ``servista.wsgi``."""

    def __init__(self, *, host: str, port: int, workers: int | None = None, threads: int = 1,
                 access_log: bool = False, timeout: int = 60):
        self.options = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers or default_workers(),
            "worker_class": "gthread" if threads > 1 else "sync",
            "threads": threads,
            "preload_app": True,
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
            "loglevel": "info",
            "timeout": timeout,
            "graceful_timeout": 30,
            "keepalive": 5,
            "proc_name": "servista",
            "control_socket_disable": True,
            "pre_fork": before_fork,
            "post_worker_init": start_embedded_worker,
            "worker_exit": stop_embedded_worker,
        }
        if os.path.isdir(RAM_DISK):
            # A heartbeat file on a RAM disk never blocks a worker on I/O.
            self.options["worker_tmp_dir"] = RAM_DISK
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application
        from django.urls import get_resolver

        application = get_wsgi_application()
        # Build the URLs and the API (its schemas) once, here, then move all
        # that was made at start-up out of the garbage collector's sight: the
        # workers forked from this process share it unchanged, and their
        # full collections no longer walk it in the middle of a request.
        get_resolver().url_patterns  # noqa: B018 (imports every URLconf)
        close_connections()
        gc.freeze()
        return application


def serve(**options) -> None:
    """Run the server until it is stopped (SIGINT/SIGTERM)."""
    close_connections()
    ServistaServer(**options).run()
