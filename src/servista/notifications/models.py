from django.conf import settings
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
