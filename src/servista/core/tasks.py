"""One interface for background work.

Declare a task with ``@task("app.name")`` (optionally ``every=seconds`` for
periodic work) in an app's ``tasks.py``; queue it with ``enqueue(name, **kw)``.

Queuing writes a row of ``core.Task`` in the current transaction (a
transactional outbox): the job commits with the work that asked for it, or
not at all, and no request ever waits on a broker. Where it runs:

  * no broker configured (embedded): the in-process worker
    (``EmbeddedWorker``) or ``servista worker`` runs the rows;
  * ``SERVISTA_BROKER_URL`` set (production): a relay in every Celery
    worker (``OutboxRelay``) publishes the due rows to the broker, retrying
    with growing pauses while the broker is away; the worker that receives
    a message runs its row. ``celery_app()`` registers every task on the
    Celery app, with the periodic ones on the beat schedule.

Either way a job's body runs through ``deliver``: the runner claims the row
for a lease, runs the body and records it done, so a message published or
received twice runs the body once, and a row whose runner died is run again
once its lease runs out. A task body must therefore be idempotent (a run
cut short is run again) and finish within the lease
(``SERVISTA["TASK_LEASE_SECONDS"]``).

Tasks receive JSON-serialisable keyword arguments.
"""

import importlib
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import F, Q

from servista.core import broker, clock
from servista.core.context import audit_context
from servista.core.models import Task, WorkerHeartbeat
from servista.core.models.tasks import TaskStatus

log = logging.getLogger("servista.tasks")

MAX_ATTEMPTS = 5
# The Celery message of outbox row 42 has the id "servista-task-42".
MESSAGE_PREFIX = "servista-task-"


def option(name: str, default):
    return settings.SERVISTA.get(name, default)


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


def enqueue(name: str, *, delay: float = 0, **kwargs) -> Task:
    """Queue ``name(**kwargs)``: a row of the outbox, written in the current
    transaction (it exists once that commits, never if it rolls back)."""
    return Task.objects.create(name=name, kwargs=kwargs,
                               run_after=clock.now() + timedelta(seconds=delay))


def enqueue_on_commit(name: str, **kwargs) -> Task:
    """The same as ``enqueue``: a queued job is part of its transaction, so
    it runs only once that commits."""
    return enqueue(name, **kwargs)


def execute(name: str, kwargs: dict):
    """Run a task body under a background-job audit context."""
    autodiscover()
    definition = registry.get(name)
    if definition is None:
        raise LookupError(f"unknown task {name!r}")
    with audit_context("job"):
        return definition.func(**kwargs)


# --- delivery: one run of a row's body ----------------------------------------------


def lease() -> timedelta:
    return timedelta(seconds=option("TASK_LEASE_SECONDS", 300))


def claimable(now) -> Q:
    """Rows a runner may take: waiting (queued, or sent to the broker), or
    running under a lease that has run out (their runner died)."""
    return Q(status__in=[TaskStatus.QUEUED, TaskStatus.SENT]) | \
        Q(status=TaskStatus.RUNNING, lease_until__lt=now)


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, then 60, 120... (at most an hour)."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def deliver(task_id: int) -> bool:
    """Run the job of row ``task_id`` unless it is done, failed for good, or
    running under a live lease elsewhere: claim it for a lease (the
    conditional UPDATE is the claim: one runner sees one row), run the body,
    record the outcome. Returns whether this call ran it."""
    now = clock.now()
    taken = Task.objects.filter(claimable(now), pk=task_id).update(
        status=TaskStatus.RUNNING, lease_until=now + lease(), attempts=F("attempts") + 1)
    if not taken:
        return False
    item = Task.objects.get(pk=task_id)
    try:
        execute(item.name, item.kwargs)
    except Exception:
        error = traceback.format_exc(limit=5)
        log.exception("task %s (%s) failed", item.name, item.pk)
        retry = item.attempts < MAX_ATTEMPTS and item.name in registry
        Task.objects.filter(pk=item.pk).update(
            status=TaskStatus.QUEUED if retry else TaskStatus.FAILED, last_error=error,
            lease_until=None, sent_at=None,
            run_after=clock.now() + retry_delay(item.attempts))
    else:
        Task.objects.filter(pk=item.pk).update(
            status=TaskStatus.DONE, finished_at=clock.now(), lease_until=None, last_error="")
    return True


# --- the embedded runner ---------------------------------------------------------------


def next_due() -> int | None:
    now = clock.now()
    return Task.objects.filter(claimable(now), run_after__lte=now) \
        .order_by("run_after", "id").values_list("id", flat=True).first()


def run_pending(limit: int = 50) -> int:
    """Run due rows of the queue one at a time (each claimed only when its
    turn comes, so a runner holds one lease at most); returns how many ran."""
    count = 0
    for _ in range(limit * 2):  # a row another runner takes first is skipped
        if count >= limit:
            break
        task_id = next_due()
        if task_id is None:
            break
        if deliver(task_id):
            count += 1
    return count


def purge_finished(older_than_days: int = 7) -> int:
    cutoff = clock.now() - timedelta(days=older_than_days)
    deleted, _ = Task.objects.filter(status=TaskStatus.DONE, finished_at__lt=cutoff).delete()
    return deleted


# --- heartbeats --------------------------------------------------------------------------


def heartbeat_name(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """A worker's sign of life, written at most every HEARTBEAT_SECONDS."""

    def __init__(self, kind: str):
        self.kind = kind
        self.last = 0.0

    def beat(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < option("HEARTBEAT_SECONDS", 10):
            return
        WorkerHeartbeat.objects.update_or_create(
            name=heartbeat_name(self.kind), defaults={"kind": self.kind, "beat_at": clock.now()})
        self.last = now


class EmbeddedWorker(threading.Thread):
    """Runs the database queue and the periodic tasks inside the current
    process (the embedded set-up: ``servista demo`` and ``servista serve``
    without a broker)."""

    def __init__(self, poll_interval: float = 1.0):
        super().__init__(name="servista-worker", daemon=True)
        self.poll_interval = poll_interval
        self.stopping = threading.Event()
        self.next_periodic: dict[str, float] = {}
        self.heartbeat = Heartbeat("embedded")

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

    def run_once(self) -> int:
        """One round: the heartbeat, the periodic tasks, the due jobs."""
        try:
            self.heartbeat.beat()
            self.run_periodic()
            return run_pending()
        except Exception:
            log.exception("worker loop failed")
            return 0

    def run(self) -> None:
        autodiscover()
        while not self.stopping.is_set():
            # Connections are health-checked before their first use in a round.
            close_old_connections()
            if not self.run_once():
                self.stopping.wait(self.poll_interval)
        connections.close_all()  # this thread's own

    def stop(self) -> None:
        self.stopping.set()


# --- the relay (production: Celery on a broker) ----------------------------------------------


def message_id(task_id: int) -> str:
    return f"{MESSAGE_PREFIX}{task_id}"


def row_of_message(message: str | None) -> int | None:
    if message and message.startswith(MESSAGE_PREFIX):
        number = message[len(MESSAGE_PREFIX):]
        if number.isdigit():
            return int(number)
    return None


def publish(item: Task) -> None:
    """Hand a row's job to the broker, once, within the broker timeouts
    (``core.broker``): the relay, not the publisher, retries."""
    broker.app.send_task(item.name, kwargs=item.kwargs, task_id=message_id(item.pk),
                         retry=False)


def relay_due() -> Q:
    now = clock.now()
    resend = now - timedelta(seconds=option("OUTBOX_RESEND_SECONDS", 900))
    return Q(status=TaskStatus.QUEUED, run_after__lte=now) | \
        Q(status=TaskStatus.SENT, sent_at__lt=resend) | \
        Q(status=TaskStatus.RUNNING, lease_until__lt=now)


def relay_pending(limit: int = 100, *, send: Callable[[Task], None] = publish) -> int:
    """Publish the due rows of the outbox (and again those whose message
    seems lost, or whose runner died); returns how many went out. A row is
    marked sent before it is published, so two relays never both publish
    it; a failed publication puts it back and raises, ending this round."""
    sent = 0
    ids = list(Task.objects.filter(relay_due()).order_by("run_after", "id")
               .values_list("id", flat=True)[:limit])
    for task_id in ids:
        now = clock.now()
        if not Task.objects.filter(relay_due(), pk=task_id).update(
                status=TaskStatus.SENT, sent_at=now):
            continue  # another relay took it
        item = Task.objects.get(pk=task_id)
        try:
            send(item)
        except Exception as exc:
            Task.objects.filter(pk=task_id, status=TaskStatus.SENT, sent_at=now).update(
                status=TaskStatus.QUEUED, sent_at=None,
                last_error=f"not sent to the broker: {exc}"[:2000])
            raise
        sent += 1
    return sent


class OutboxRelay(threading.Thread):
    """Publishes the outbox to the broker from a Celery worker: every
    ``OUTBOX_POLL_SECONDS``, and after a failure (broker down or silent)
    again after 1, 2, 4... seconds, at most ``OUTBOX_MAX_BACKOFF_SECONDS``.
    Writes the worker's heartbeat."""

    def __init__(self, poll_interval: float | None = None, send=publish):
        super().__init__(name="servista-outbox-relay", daemon=True)
        self.poll_interval = poll_interval if poll_interval is not None \
            else option("OUTBOX_POLL_SECONDS", 1.0)
        self.send = send
        self.stopping = threading.Event()
        self.failures = 0
        self.heartbeat = Heartbeat("celery")

    def run_once(self) -> float:
        """One round; returns how long to wait before the next."""
        try:
            self.heartbeat.beat()
            sent = relay_pending(send=self.send)
        except Exception as exc:  # noqa: BLE001 - the broker or the database is away
            self.failures += 1
            pause = min(2 ** (self.failures - 1), option("OUTBOX_MAX_BACKOFF_SECONDS", 60))
            log.warning("outbox relay: %s; trying again in %s s", exc, pause)
            return pause
        self.failures = 0
        return 0 if sent else self.poll_interval

    def run(self) -> None:
        while not self.stopping.is_set():
            close_old_connections()
            pause = self.run_once()
            if pause:
                self.stopping.wait(pause)
        connections.close_all()  # this thread's own

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=10)

    terminate = stop


# --- Celery (production) ----------------------------------------------------


def _celery_task(name: str):
    def run(self, **kwargs):
        row = row_of_message(self.request.id)
        if row is None:
            # A periodic run sent by beat: no row, nothing to deliver twice.
            return execute(name, kwargs)
        deliver(row)

    run.__name__ = name.replace(".", "_")
    run.__doc__ = registry[name].func.__doc__
    # Retries are the outbox's (``deliver``), not Celery's.
    return broker.app.task(name=name, bind=True, acks_late=True, max_retries=0)(run)


def beat_schedule() -> dict:
    """The periodic tasks of the registry, each every ``TaskDef.every`` seconds."""
    return {
        definition.name: {"task": definition.name,
                          "schedule": timedelta(seconds=definition.every)}
        for definition in registry.values() if definition.every
    }


def _relay_step():
    from celery import bootsteps

    class RelayStep(bootsteps.StartStopStep):
        """Runs the outbox relay in the worker's main process while it runs
        (started after the pool; stopped, or terminated, with the worker)."""

        requires = {"celery.worker.components:Pool"}

        def create(self, worker):
            return OutboxRelay()

    return RelayStep


def celery_app():
    """The Celery application with every task registered under its name
    (its body runs through ``deliver``, under the 'job' audit context like
    the embedded runner), every periodic task on the beat schedule, and the
    outbox relay in every worker."""
    autodiscover()
    for name in sorted(registry):
        if name not in broker.app.tasks:
            _celery_task(name)
    broker.app.conf.beat_schedule = beat_schedule()
    if not any(getattr(step, "__name__", "") == "RelayStep"
               for step in broker.app.steps["worker"]):
        broker.app.steps["worker"].add(_relay_step())
    return broker.app


@task("core.purge_finished_tasks", every=3600)
def purge_finished_tasks():
    from servista.core import throttling

    throttling.purge()
    return purge_finished()
