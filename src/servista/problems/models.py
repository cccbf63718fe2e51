from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from servista.core import clock
from servista.core.choices import Impact, Priority
from servista.core.models import WorkRecord

from .choices import (
    CandidateStatus,
    Dimension,
    Probability,
    ProblemResolution,
    ProblemState,
    RcaMethod,
    Source,
)


class RiskMatrix(models.Model):
    """Impact x probability -> priority of problems (managed as risks).
    Seeded by a migration, edited by administrators in the admin."""

    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    probability = models.PositiveSmallIntegerField(choices=Probability.choices)
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        ordering = ["impact", "probability"]
        verbose_name = "risk matrix cell"
        verbose_name_plural = "risk matrix"
        constraints = [models.UniqueConstraint(fields=["impact", "probability"],
                                               name="risk_matrix_cell")]

    def __str__(self):
        return f"impact {self.impact} x probability {self.probability} = priority {self.priority}"


class Problem(WorkRecord):
    """A cause, or potential cause, of one or more incidents. In its
    known-error states it is an entry of the known error database: its
    symptoms, root cause and workaround are offered on matching incidents.
    Its priority is a risk: impact x probability (the urgency of the work
    record is not used)."""

    number_prefix = "PRB"
    State = ProblemState

    state = models.CharField(max_length=32, choices=ProblemState.choices,
                             default=ProblemState.NEW)
    probability = models.PositiveSmallIntegerField(choices=Probability.choices,
                                                   default=Probability.MEDIUM)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.INCIDENTS,
                              help_text="How the problem was identified")
    category = models.ForeignKey("incidents.Category", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    symptoms = models.TextField(blank=True, help_text="What the people affected see")
    workaround = models.TextField(blank=True, help_text="How to restore the service until "
                                                        "the fix")
    root_cause = models.TextField(blank=True)
    rca_method = models.CharField("root cause analysis method", max_length=16, blank=True,
                                  choices=RcaMethod.choices)
    # The analysis as data: {"whys": [{"why": ..., "because": ...}]} for 5 whys,
    # {"effect": ..., "bones": {category: [causes]}} for a fishbone,
    # {"events": [{"at": ..., "what": ...}]} for a timeline, {"notes": ...} else.
    rca = models.JSONField("root cause analysis", default=dict, blank=True)
    # [{"cause": ..., "kind": occurrence | duration | impact}]
    contributing_causes = models.JSONField(default=list, blank=True)
    known_error_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True,
                                  help_text="Next re-assessment of the known error")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    workaround_applied_count = models.PositiveIntegerField(default=0)
    resolution_code = models.CharField(max_length=24, choices=ProblemResolution.choices,
                                       blank=True)
    resolution_notes = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    unaudited_fields = WorkRecord.unaudited_fields | {"review_reminded_on", "urgency"}

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "priority", "id"], name="prb_state_priority"),
            models.Index(fields=["assignment_group", "state"], name="prb_group_state"),
            models.Index(fields=["known_error_at"], name="prb_known_error"),
            models.Index(fields=["review_due"], name="prb_review_due"),
        ]

    def get_absolute_url(self):
        return reverse("problems:problem", args=[self.number])

    @property
    def is_known_error(self) -> bool:
        return self.state in ProblemState.KNOWN_ERRORS


class RepeatRule(models.Model):
    """Repeat-incident detection: ``threshold`` incidents or more on the same
    ``dimension`` value (a CI, a category...) within ``window_days`` make a
    problem candidate. Edited by administrators."""

    name = models.CharField(max_length=100, unique=True)
    dimension = models.CharField(max_length=24, choices=Dimension.choices)
    threshold = models.PositiveSmallIntegerField(validators=[MinValueValidator(2)], default=5)
    window_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(366)], default=7)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProblemCandidate(models.Model):
    """Repeated incidents that may share a cause, proposed by a rule for a
    problem manager to accept (a problem is logged with them) or dismiss."""

    rule = models.ForeignKey(RepeatRule, null=True, on_delete=models.SET_NULL,
                             related_name="candidates")
    dimension = models.CharField(max_length=24, choices=Dimension.choices)
    object_id = models.BigIntegerField()
    label = models.CharField(max_length=200)
    incident_ids = models.JSONField(default=list)
    incident_count = models.PositiveIntegerField()
    first_opened_at = models.DateTimeField()
    last_opened_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=CandidateStatus.choices,
                              default=CandidateStatus.PROPOSED)
    detected_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["dimension", "object_id", "status"],
                                name="prb_candidate_key")]

    def __str__(self):
        return f"{self.incident_count} incidents on {self.label}"

    def get_absolute_url(self):
        return reverse("problems:candidate", args=[self.pk])
