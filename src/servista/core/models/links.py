from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from servista.core import clock, links


class Link(models.Model):
    """A typed link between any two records (incident -> problem, change ->
    release, record -> knowledge article...)."""

    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.BigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # One of the kinds registered in ``core.links`` (not database choices: a
    # practice adds its kinds without a migration of core).
    kind = models.CharField(max_length=20, default=links.RELATES_TO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_type", "target_id", "kind"],
                name="link_unique",
            )
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"

    def get_kind_display(self, direction: str = "outgoing") -> str:
        return links.label(self.kind, direction)
