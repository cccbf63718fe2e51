from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from servista.core import clock
from servista.core.choices import ChoiceSet


class JournalKind(ChoiceSet):
    COMMENT = "comment"
    WORK_NOTE = "work_note"
    CHANGE = "change"
    CHOICES = [
        (COMMENT, "Comment", "primary"),
        (WORK_NOTE, "Work note", "warning"),
        (CHANGE, "Field change", "secondary"),
    ]


class Origin(ChoiceSet):
    WEB = "web"
    API = "api"
    CLI = "cli"
    JOB = "job"
    SYSTEM = "system"
    EMAIL = "email"
    CHOICES = [(WEB, "Web"), (API, "API"), (CLI, "Command line"), (JOB, "Background job"),
               (SYSTEM, "System"), (EMAIL, "E-mail")]


class AppendOnlyError(Exception):
    pass


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Journal entries are append-only and cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Journal entries are append-only and cannot be deleted.")

    def for_record(self, record):
        ct = ContentType.objects.get_for_model(record)
        return self.filter(content_type=ct, object_id=record.pk)

    def public(self):
        return self.exclude(kind=JournalKind.WORK_NOTE)


class JournalEntry(models.Model):
    """One entry of a work record's activity stream.

    Comments are public, work notes private to the support staff, and change
    entries hold the before/after values of every field an operation changed:
    ``changes = {field: {"old": raw, "new": raw, "old_display": str, "new_display": str}}``.
    Entries are never updated or deleted.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=16, choices=JournalKind.choices)
    body = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.SYSTEM)
    correlation_id = models.CharField(max_length=64, blank=True)
    # Minutes of work the author spent, given with a comment or work note.
    time_spent = models.PositiveIntegerField("time spent (minutes)", null=True, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"]),
                   # Time spent per agent over a period.
                   models.Index(fields=["actor", "created_at"], name="journal_time_spent_by_actor",
                                condition=models.Q(time_spent__isnull=False))]

    def __str__(self):
        when = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{self.get_kind_display()} by {self.actor or 'system'} at {when}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Journal entries are append-only and cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Journal entries are append-only and cannot be deleted.")

    @property
    def is_public(self) -> bool:
        return self.kind != JournalKind.WORK_NOTE
