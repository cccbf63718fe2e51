from django.db import models


class RequestQuota(models.Model):
    """How many API requests one credential (a token, a signed-in person)
    made in one minute, shared by every process (core/throttling.py)."""

    credential = models.CharField(max_length=80)
    minute = models.BigIntegerField()  # minutes since the epoch
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["credential", "minute"],
                                               name="one_quota_per_credential_and_minute")]

    def __str__(self):
        return f"{self.credential} @ {self.minute}: {self.used}"
