"""One interface for background work.

Declare a task with ``@task("app.name")`` (optionally ``every=seconds`` for
periodic work) in an app's ``tasks.py``; queue it with ``enqueue(name, **kw)``
or, inside a transaction, ``enqueue_on_commit(name, **kw)``.

Where it runs:
  * no broker configured (embedded): rows of ``core.Task``, run by the
    in-process worker (``EmbeddedWorker``) or by ``servista worker``;
  * ``SERVISTA_BROKER_URL`` set (production): Celery workers on the broker
    (``core.broker``), periodic tasks from Celery beat; ``celery_app()``
    registers every task on it.

Tasks receive JSON-serialisable keyword arguments and must be idempotent:
either runner may deliver a task more than once.
"""

import importlib
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F

from servista.core import broker, clock
from servista.core.context import audit_context
from servista.core.models import Task
from servista.core.models.tasks import TaskStatus

log = logging.getLogger("servista.tasks")

MAX_ATTEMPTS = 5


@dataclass
class TaskDef:
    name: str
    func: Callable
    every: int | None = None  # seconds, for periodic tasks


registry: dict[str, TaskDef] = {}


def task(name: str, *, every: int | None = None):
    def decorator(func):
        registry[name] = TaskDef(name, func, every)
        func.task_name = name
        return func

    return decorator


def autodiscover() -> None:
    """Import ``tasks`` of every Servista app so that their tasks register."""
    for config in apps.get_app_configs():
        if config.name.startswith("servista."):
            try:
                importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise


def broker_configured() -> bool:
    return bool(getattr(settings, "BROKER_URL", ""))


def enqueue(name: str, *, delay: float = 0, **kwargs) -> None:
    if broker_configured():
        broker.app.send_task(name, kwargs=kwargs, countdown=delay or None)
        return
    Task.objects.create(name=name, kwargs=kwargs,
                        run_after=clock.now() + timedelta(seconds=delay))


def enqueue_on_commit(name: str, **kwargs) -> None:
    transaction.on_commit(lambda: enqueue(name, **kwargs))


def execute(name: str, kwargs: dict):
    """Run a task body under a background-job audit context."""
    autodiscover()
    definition = registry.get(name)
    if definition is None:
        raise LookupError(f"unknown task {name!r}")
    with audit_context("job"):
        return definition.func(**kwargs)


# --- the embedded runner ---------------------------------------------------


def _claim(limit: int) -> list[Task]:
    """Mark up to ``limit`` due tasks as running; safe with several runners."""
    claimed = []
    now = clock.now()
    candidates = list(
        Task.objects.filter(status=TaskStatus.QUEUED, run_after__lte=now)
        .order_by("run_after", "id").values_list("id", flat=True)[:limit]
    )
    for task_id in candidates:
        # The conditional UPDATE is the claim: only one runner sees 1 row.
        if Task.objects.filter(pk=task_id, status=TaskStatus.QUEUED).update(
            status=TaskStatus.RUNNING, attempts=F("attempts") + 1
        ):
            claimed.append(Task.objects.get(pk=task_id))
    return claimed




def run_pending(limit: int = 50) -> int:
    """Run the due tasks of the database queue; returns how many ran."""
    count = 0
    for item in _claim(limit):
        try:
            execute(item.name, item.kwargs)
        except Exception:
            error = traceback.format_exc(limit=5)
            log.exception("task %s (%s) failed", item.name, item.pk)
            retry = item.attempts < MAX_ATTEMPTS and item.name in registry
            Task.objects.filter(pk=item.pk).update(
                status=TaskStatus.QUEUED if retry else TaskStatus.FAILED,
                last_error=error,
                run_after=clock.now() + timedelta(seconds=30 * item.attempts),
            )
        else:
            Task.objects.filter(pk=item.pk).update(
                status=TaskStatus.DONE, finished_at=clock.now(), last_error=""
            )
        count += 1
    return count


def purge_finished(older_than_days: int = 7) -> int:
    cutoff = clock.now() - timedelta(days=older_than_days)
    deleted, _ = Task.objects.filter(status=TaskStatus.DONE, finished_at__lt=cutoff).delete()
    return deleted


class EmbeddedWorker(threading.Thread):
    """Runs the database queue and the periodic tasks inside the current
    process (the embedded set-up: ``servista demo`` and ``servista serve``
    without a broker)."""

    def __init__(self, poll_interval: float = 1.0):
        super().__init__(name="servista-worker", daemon=True)
        self.poll_interval = poll_interval
        self.stopping = threading.Event()
        self.next_periodic: dict[str, float] = {}

    def run_periodic(self) -> None:
        now = time.monotonic()
        for definition in list(registry.values()):
            if not definition.every:
                continue
            due = self.next_periodic.setdefault(definition.name, now)
            if now >= due:
                self.next_periodic[definition.name] = now + definition.every
                try:
                    execute(definition.name, {})
                except Exception:
                    log.exception("periodic task %s failed", definition.name)

    def run(self) -> None:
        autodiscover()
        while not self.stopping.is_set():
            close_old_connections()
            try:
                self.run_periodic()
                ran = run_pending()
            except Exception:
                log.exception("worker loop failed")
                ran = 0
            if not ran:
                self.stopping.wait(self.poll_interval)
        close_old_connections()

    def stop(self) -> None:
        self.stopping.set()


# --- Celery (production) ----------------------------------------------------


def _celery_task(name: str):
    def run(**kwargs):
        return execute(name, kwargs)

    run.__name__ = name.replace(".", "_")
    run.__doc__ = registry[name].func.__doc__
    return broker.app.task(name=name, acks_late=True, max_retries=MAX_ATTEMPTS - 1,
                           **broker.RETRY)(run)


def beat_schedule() -> dict:
    """The periodic tasks of the registry, each every ``TaskDef.every`` seconds."""
    return {
        definition.name: {"task": definition.name,
                          "schedule": timedelta(seconds=definition.every)}
        for definition in registry.values() if definition.every
    }


def celery_app():
    """The Celery application with every task registered under its name
    (its body is ``execute``, so it runs under the 'job' audit context like
    the embedded runner) and every periodic task on the beat schedule."""
    autodiscover()
    for name in sorted(registry):
        if name not in broker.app.tasks:
            _celery_task(name)
    broker.app.conf.beat_schedule = beat_schedule()
    return broker.app


@task("core.purge_finished_tasks", every=3600)
def purge_finished_tasks():
    return purge_finished()
