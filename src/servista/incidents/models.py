from django.conf import settings
from django.db import models
from django.urls import reverse

from servista.core.models import WorkRecord

from .choices import Channel, HoldReason, IncidentState, ResolutionCode


class Category(models.Model):
    """Incident category; a category with a parent is a subcategory. A category
    may route new incidents to a default assignment group."""

    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="subcategories")
    default_group = models.ForeignKey("accounts.Group", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_name_per_parent"),
            models.UniqueConstraint(fields=["name"], condition=models.Q(parent=None),
                                    name="top_category_name"),
        ]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Incident(WorkRecord):
    """An unplanned interruption to a service or reduction in its quality."""

    number_prefix = "INC"
    State = IncidentState
    requester_phrases = {
        "new": "Reported", "in_progress": "Being worked on", "on_hold": "On hold",
        "resolved": "Resolved: please confirm it is fixed", "closed": "Closed",
        "cancelled": "Cancelled",
    }
    public_fields = WorkRecord.public_fields | {
        "hold_reason", "resolution_code", "resolution_notes", "resolved_at", "caller",
        "category", "subcategory", "service", "impact", "urgency",
    }

    state = models.CharField(max_length=32, choices=IncidentState.choices,
                             default=IncidentState.NEW)
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="incidents_called")
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="incidents",
                                     help_text="The caller's organization when logged")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    subcategory = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    hold_reason = models.CharField(max_length=20, choices=HoldReason.choices, blank=True)
    resolution_code = models.CharField(max_length=24, choices=ResolutionCode.choices, blank=True)
    resolution_notes = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    escalated = models.BooleanField(default=False)
    reassignment_count = models.PositiveIntegerField(default=0)
    reopen_count = models.PositiveIntegerField(default=0)
    is_major = models.BooleanField("major incident", default=False)
    major_incident_manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+")
    swarm = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                   help_text="Agents swarming on a major incident")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The list filters of the workspace, each led by the filtered
            # column(s) and ending in the default sort so a page is a range scan.
            models.Index(fields=["state", "assignment_group", "id"], name="inc_state_group"),
            models.Index(fields=["assignment_group", "assigned_to", "state"],
                         name="inc_group_assignee"),
            # "Assigned to me": an agent's incidents newest first, state filtered
            # on the way (an IN list of states cannot keep the order).
            models.Index(fields=["assigned_to", "id"], name="inc_assignee"),
            models.Index(fields=["priority", "id"], name="inc_priority"),
            models.Index(fields=["state", "priority", "id"], name="inc_state_priority"),
            models.Index(fields=["organization", "state", "id"], name="inc_org_state"),
            models.Index(fields=["caller", "id"], name="inc_caller"),
            models.Index(fields=["opened_at"], name="inc_opened_at"),
            models.Index(fields=["updated_at"], name="inc_updated_at"),
            models.Index(fields=["state", "resolved_at"], name="inc_state_resolved"),
            models.Index(fields=["is_major", "state"], name="inc_major_state"),
        ]

    def requester_milestone(self, changes: dict) -> str | None:
        """On hold is "waiting for you" when the desk awaits the caller; a
        reopen after a resolution says so."""
        state = changes.get("state", {})
        if state.get("new") == IncidentState.ON_HOLD:
            reason = changes.get("hold_reason", {}).get("new") or self.hold_reason
            if reason == HoldReason.AWAITING_CALLER:
                return "Waiting for you: please answer the question below"
            return "On hold: waiting for " + {
                HoldReason.AWAITING_VENDOR: "a supplier",
                HoldReason.AWAITING_PROBLEM: "a fix to the underlying problem",
                HoldReason.AWAITING_CHANGE: "a planned change",
            }.get(reason, "another team")
        if (state.get("old"), state.get("new")) == (IncidentState.RESOLVED,
                                                    IncidentState.IN_PROGRESS):
            return "Reopened: being worked on again"
        return super().requester_milestone(changes)

    def get_absolute_url(self):
        return reverse("incidents:incident", args=[self.number])

    @property
    def is_resolved(self) -> bool:
        return self.state == IncidentState.RESOLVED


class RoutingModel(models.Model):
    """The trained category and group suggestion (``incidents.routing``)."""

    trained_at = models.DateTimeField()
    incidents = models.PositiveIntegerField(help_text="Resolved incidents it learnt from")
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = "routing model"

    def __str__(self):
        return f"trained {self.trained_at:%Y-%m-%d %H:%M} on {self.incidents} incidents"


class RoutingSuggestion(models.Model):
    """The category and group suggested when an incident was logged, and
    whether the agent kept them (acceptance is counted)."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE,
                                    related_name="routing_suggestion")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    category_confidence = models.FloatField(default=0)
    category_accepted = models.BooleanField(default=False)
    assignment_group = models.ForeignKey("accounts.Group", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    group_confidence = models.FloatField(default=0)
    group_accepted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.incident_id}: {self.category_id}/{self.assignment_group_id}"
