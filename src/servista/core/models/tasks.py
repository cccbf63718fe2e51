from django.db import models

from servista.core import clock
from servista.core.choices import ChoiceSet


class TaskStatus(ChoiceSet):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CHOICES = [(QUEUED, "Queued", "secondary"), (RUNNING, "Running", "info"),
               (DONE, "Done", "success"), (FAILED, "Failed", "danger")]


class Task(models.Model):
    """The embedded task queue: background work kept in the database when no
    broker is configured."""

    name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    run_after = models.DateTimeField(default=clock.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_after", "id"]
        indexes = [models.Index(fields=["status", "run_after"])]

    def __str__(self):
        return f"{self.name} [{self.status}]"
