from django.db import models
from django.urls import reverse

from servista.catalog.choices import Criticality

from .choices import CIClass, CIStatus


class ConfigurationItem(models.Model):
    """A component managed to deliver a service (CMDB record)."""

    name = models.CharField(max_length=200, unique=True)
    ci_class = models.CharField("class", max_length=32, choices=CIClass.choices)
    status = models.CharField(max_length=16, choices=CIStatus.choices, default=CIStatus.IN_USE)
    owner_group = models.ForeignKey("accounts.Group", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="owned_cis")
    criticality = models.CharField(max_length=16, choices=Criticality.choices,
                                   default=Criticality.MEDIUM)
    description = models.TextField(blank=True)
    service = models.ForeignKey("catalog.Service", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="cis",
                                help_text="The service this item supports")

    class Meta:
        ordering = ["name"]
        verbose_name = "configuration item"
        indexes = [models.Index(fields=["ci_class", "status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:ci", args=[self.pk])
