from django.conf import settings
from django.core.cache import cache
from django.db import models

from servista.core import clock


class Notification(models.Model):
    """A message to one person about a record, shown in the UI and, when the
    person has an address, sent by email from the background worker."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    subject = models.CharField(max_length=250)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=250, blank=True)
    # What it is about (a lifecycle step such as "resolved", or "comment"),
    # and the record's number, which threads its mails together.
    kind = models.CharField(max_length=32, blank=True)
    thread = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self):
        return self.subject


class Webhook(models.Model):
    """An outgoing webhook: the events it subscribes to (``record.created``,
    ``record.updated``, ``sla.breach``, ``sla.warning``...; ``*`` for all),
    posted as JSON signed with HMAC-SHA256 of its secret."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200, help_text="Signs each body (HMAC-SHA256)")
    events = models.JSONField(default=list, blank=True,
                              help_text='Event types, e.g. ["sla.breach"]; ["*"]: every event')
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def wants(self, event: str) -> bool:
        return "*" in self.events or event in self.events or \
            f"{event.split('.')[0]}.*" in self.events


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one webhook, with each attempt's outcome."""

    PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, default=PENDING,
                              choices=[(PENDING, "Pending"), (DELIVERED, "Delivered"),
                                       (FAILED, "Failed")])
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "created_at"], name="webhook_delivery_status")]

    def __str__(self):
        return f"{self.event} → {self.webhook} ({self.status})"
class MailKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement (a record was logged for you)"
    AWAITING_YOU = "awaiting_you", "Waiting for your answer"
    RESOLVED = "resolved", "Resolved: is it fixed?"
    CLOSED = "closed", "Closed"
    COMMENT = "comment", "A new comment"
    ASSIGNED = "assigned", "Assigned to you"
    WATCHING = "watching", "News of a record you watch"
    MENTION = "mention", "A colleague mentioned you"
    SLA_WARNING = "sla_warning", "Service level warning (a target nearly reached)"
    SLA_BREACH = "sla_breach", "Service level breach (a target missed)"
    OTHER = "other", "Other notices"


class MailTemplate(models.Model):
    """The words of one kind of mail, editable by administrators (Django
    template language; the context holds ``record``, ``recipient``, ``url``
    and what the kind adds, such as ``fixed_url`` and ``not_fixed_url``).
    Without a row, the built-in words are used."""

    kind = models.CharField(max_length=32, choices=MailKind.choices, unique=True)
    subject = models.CharField(max_length=250)
    body = models.TextField(help_text="Markdown; sent as HTML and as plain text.")

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete("servista:mail-templates")

    def delete(self, *args, **kwargs):
        cache.delete("servista:mail-templates")
        return super().delete(*args, **kwargs)


class MailPreference(models.Model):
    """The kinds of mail a person does not want (they still see them in
    Servista's notification list)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="mail_preference")
    muted = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"Mail preferences of {self.user}"


class InboundStatus(models.TextChoices):
    CREATED = "created", "Created a record"
    REPLIED = "replied", "Added to a record"
    IGNORED = "ignored", "Ignored (automatic mail, bounce or loop)"
    REFUSED = "refused", "Refused (unknown sender)"


class InboundMail(models.Model):
    """Each mail received, once (by its Message-ID), and what became of it."""

    message_id = models.CharField(max_length=250, unique=True)
    sender = models.CharField(max_length=250, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    status = models.CharField(max_length=16, choices=InboundStatus.choices)
    record = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=250, blank=True)
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.sender}: {self.subject}"
