from django.conf import settings
from django.db import models

from servista.core import clock


class IdempotencyKey(models.Model):
    """The first answer to a POST carrying an ``Idempotency-Key`` header,
    replayed when the same client retries with the same key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=255)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)  # answers stored before ``body`` existed
    body = models.TextField(null=True)  # the answer as it was sent, byte for byte
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self):
        return f"{self.key} ({self.endpoint})"
