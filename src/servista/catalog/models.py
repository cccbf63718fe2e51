from django.db import models
from django.urls import reverse

from .choices import Criticality, ServiceStatus


class Service(models.Model):
    """A service of the portfolio that incidents and requests can name."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ServiceStatus.choices,
                              default=ServiceStatus.LIVE)
    owner_group = models.ForeignKey("accounts.Group", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="owned_services")
    criticality = models.CharField(max_length=16, choices=Criticality.choices,
                                   default=Criticality.MEDIUM)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:service", args=[self.pk])
