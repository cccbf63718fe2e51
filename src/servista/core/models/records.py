from django.conf import settings
from django.db import models
from django.urls import reverse

from servista.core import clock
from servista.core.choices import ChoiceSet, Impact, Priority, Urgency

from .base import ValidatedModel


class WorkRecord(ValidatedModel):
    """The abstract base of every numbered work record: incidents, service
    requests, problems, changes, releases and their tasks.

    A concrete record declares:
      ``number_prefix``  e.g. "INC"
      ``State``          a ChoiceSet with TRANSITIONS
      ``state``          the field, redeclared with ``State`` choices and default
      ``public_fields``  fields whose changes a requester may see in the journal

    The state choice set may also declare ``OPEN`` (the states in which the
    record takes work; default: every state that is not final) and
    ``WORKING`` (the state an assignee puts a new record in).
    """

    number_prefix: str = ""
    State: type[ChoiceSet] = ChoiceSet
    public_fields: frozenset[str] = frozenset(
        {"short_description", "description", "state", "priority", "closed_at"}
    )
    # Fields that never go into the change journal (bookkeeping, not content).
    unaudited_fields: frozenset[str] = frozenset({"id", "updated_at", "version", "number"})

    number = models.CharField(max_length=20, unique=True, editable=False)
    short_description = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=32)
    impact = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.MEDIUM)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.MEDIUM)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.LOW)
    priority_overridden = models.BooleanField(default=False)
    assignment_group = models.ForeignKey(
        "accounts.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    service = models.ForeignKey(
        "catalog.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="configuration item",
    )
    # Besides the main service and CI: every service and CI the record affects.
    affected_services = models.ManyToManyField(
        "catalog.Service", blank=True, related_name="+", verbose_name="affected services")
    affected_cis = models.ManyToManyField(
        "cmdb.ConfigurationItem", blank=True, related_name="+",
        verbose_name="affected configuration items")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.number or f"new {self._meta.verbose_name}"

    def get_absolute_url(self):
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}", args=[self.number])

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    def get_state_color(self) -> str:
        return self.State.color(self.state)

    # How a requester is told of each state ("Being worked on"); a state
    # not named here is told by its label.
    requester_phrases: dict[str, str] = {}

    def requester_milestone(self, changes: dict) -> str | None:
        """A change in the requester's words, or None when it is not one
        they need to hear about (a new priority, another group...)."""
        if "state" not in changes:
            return None
        state = changes["state"].get("new")
        return self.requester_phrases.get(state) or self.State.label(state)

    def get_priority_color(self) -> str:
        return Priority.color(self.priority)

    @property
    def is_open(self) -> bool:
        return not self.State.is_terminal(self.state)
