from django.contrib import admin

from servista.core.admin import JournaledAdmin, ReadOnlyAdmin

from .models import Problem, ProblemCandidate, RepeatRule, RiskMatrix


@admin.register(RiskMatrix)
class RiskMatrixAdmin(JournaledAdmin):
    """Impact x probability -> priority of problems; a change applies to
    problems logged or re-rated afterwards."""

    list_display = ["impact", "probability", "priority"]
    list_editable = ["priority"]
    ordering = ["impact", "probability"]


@admin.register(RepeatRule)
class RepeatRuleAdmin(JournaledAdmin):
    """Repeat-incident detection: N incidents on the same value within a
    window propose a problem candidate."""

    list_display = ["name", "dimension", "threshold", "window_days", "active"]
    list_editable = ["threshold", "window_days", "active"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    """Problems are worked on their pages, through the rules and the journal."""

    list_display = ["number", "short_description", "state", "priority", "assignment_group",
                    "opened_at"]
    list_filter = ["state", "priority"]
    search_fields = ["number", "short_description"]


@admin.register(ProblemCandidate)
class ProblemCandidateAdmin(ReadOnlyAdmin):
    list_display = ["label", "dimension", "incident_count", "status", "detected_at"]
    list_filter = ["status", "dimension"]
