from django.db import models
from django.urls import reverse

from .choices import Criticality, ReviewOutcome, ServiceStatus


class Service(models.Model):
    """A service of the portfolio that incidents and requests can name. Its
    item in the CMDB (``configuration_item``, of a service class) puts it in
    the graph that impact analysis walks."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField("portfolio stage", max_length=16,
                              choices=ServiceStatus.choices, default=ServiceStatus.LIVE)
    owner_group = models.ForeignKey("accounts.Group", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="owned_services")
    owner = models.ForeignKey("accounts.User", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_services",
                              help_text="The service owner")
    customers = models.ManyToManyField("accounts.Organization", blank=True,
                                       related_name="services")
    service_hours = models.CharField(max_length=200, blank=True,
                                     help_text="When the service is available, e.g. "
                                               "\"Mon-Fri 07:00-19:00\" or \"24x7\"")
    criticality = models.CharField(max_length=16, choices=Criticality.choices,
                                   default=Criticality.MEDIUM)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:service", args=[self.pk])


class ServiceOffering(models.Model):
    """What a customer can consume from a service (service level agreements
    attach to offerings)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="offerings")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    support_hours = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"],
                                               name="catalog_offering_unique")]

    def __str__(self):
        return f"{self.service}: {self.name}"


class PortfolioReview(models.Model):
    """A review of a service in the portfolio and what it decided."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices)
    reviewed_on = models.DateField()
    reason = models.TextField()
    reviewed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.service} {self.reviewed_on}: {self.get_outcome_display()}"
