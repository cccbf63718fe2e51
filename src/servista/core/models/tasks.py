from django.db import models

from servista.core import clock
from servista.core.choices import ChoiceSet


class TaskStatus(ChoiceSet):
    QUEUED = "queued"
    SENT = "sent"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CHOICES = [(QUEUED, "Queued", "secondary"), (SENT, "Sent to the broker", "primary"),
               (RUNNING, "Running", "info"), (DONE, "Done", "success"),
               (FAILED, "Failed", "danger")]


class Task(models.Model):
    """Background work, written in the transaction of the work that asks
    for it (a transactional outbox): it exists once that work commits, and
    never without it.

    Embedded set-up: the in-process worker runs the rows. With a broker: a
    relay publishes each due row (``sent``) and the worker that receives it
    runs the row, once: the row is the delivery record. A runner claims a
    row for a lease (``lease_until``); a row whose runner died is claimed
    again once its lease has run out."""

    name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    run_after = models.DateTimeField(default=clock.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_after", "id"]
        indexes = [models.Index(fields=["status", "run_after"])]

    def __str__(self):
        return f"{self.name} [{self.status}]"


class WorkerHeartbeat(models.Model):
    """The last sign of life of each background worker (the embedded one,
    or the outbox relay of a Celery worker), read by /healthz."""

    name = models.CharField(max_length=200, unique=True)  # kind@host:pid
    kind = models.CharField(max_length=20)
    beat_at = models.DateTimeField(default=clock.now, db_index=True)

    def __str__(self):
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
