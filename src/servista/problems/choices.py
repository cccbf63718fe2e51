from servista.core.choices import ChoiceSet


class ProblemState(ChoiceSet):
    NEW = "new"
    ASSESSED = "assessed"
    ROOT_CAUSE_ANALYSIS = "root_cause_analysis"
    KNOWN_ERROR = "known_error"
    FIX_IN_PROGRESS = "fix_in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    CHOICES = [
        (NEW, "New", "info"),
        (ASSESSED, "Assessed", "primary"),
        (ROOT_CAUSE_ANALYSIS, "Root cause analysis", "primary"),
        (KNOWN_ERROR, "Known error", "warning"),
        (FIX_IN_PROGRESS, "Fix in progress", "orange"),
        (RESOLVED, "Resolved", "success"),
        (CLOSED, "Closed", "secondary"),
        (CANCELLED, "Cancelled", "dark"),
    ]

    # The three phases: identification (new, assessed), control (root cause
    # analysis), error control (known error, fix in progress); then resolved
    # and closed. A resolved problem whose fix did not hold is reopened for
    # analysis. Closed and cancelled are final.
    TRANSITIONS = {
        NEW: {ASSESSED, CANCELLED},
        ASSESSED: {ROOT_CAUSE_ANALYSIS, CANCELLED},
        ROOT_CAUSE_ANALYSIS: {KNOWN_ERROR, RESOLVED, CANCELLED},
        KNOWN_ERROR: {FIX_IN_PROGRESS, RESOLVED, CANCELLED},
        FIX_IN_PROGRESS: {KNOWN_ERROR, RESOLVED, CANCELLED},
        RESOLVED: {CLOSED, ROOT_CAUSE_ANALYSIS},
    }
    OPEN = (NEW, ASSESSED, ROOT_CAUSE_ANALYSIS, KNOWN_ERROR, FIX_IN_PROGRESS)
    # The known errors of the known error database still to be fixed.
    KNOWN_ERRORS = (KNOWN_ERROR, FIX_IN_PROGRESS)


class Probability(ChoiceSet):
    HIGH, MEDIUM, LOW = 1, 2, 3
    CHOICES = [(1, "1 - Likely", "danger"), (2, "2 - Possible", "warning"),
               (3, "3 - Unlikely", "success")]


class Source(ChoiceSet):
    """How the problem was identified (the seed's problem identification)."""

    INCIDENTS = "incidents"
    TREND = "trend_analysis"
    EVENT = "event"
    PROACTIVE = "proactive"
    SUPPLIER = "supplier"
    CHOICES = [
        (INCIDENTS, "From one or more incidents"),
        (TREND, "Trend analysis"),
        (EVENT, "Monitoring event"),
        (PROACTIVE, "Proactive (no incident yet)"),
        (SUPPLIER, "Supplier or vendor notice"),
    ]


class RcaMethod(ChoiceSet):
    NONE = ""
    FIVE_WHYS = "five_whys"
    FISHBONE = "fishbone"
    TIMELINE = "timeline"
    OTHER = "other"
    CHOICES = [(FIVE_WHYS, "5 whys"), (FISHBONE, "Fishbone (Ishikawa)"),
               (TIMELINE, "Timeline"), (OTHER, "Other")]


# The fishbone's bones: the usual six categories of causes.
FISHBONE_CATEGORIES = ("people", "process", "technology", "environment", "suppliers",
                       "measurement")


class CauseKind(ChoiceSet):
    """What a contributing cause contributed to."""

    OCCURRENCE = "occurrence"
    DURATION = "duration"
    IMPACT = "impact"
    CHOICES = [(OCCURRENCE, "Made it happen"), (DURATION, "Made it last longer"),
               (IMPACT, "Made it worse")]


class ProblemResolution(ChoiceSet):
    FIX_DEPLOYED = "fix_deployed"
    WORKAROUND_PERMANENT = "workaround_accepted"
    NO_LONGER_OCCURS = "no_longer_occurs"
    RISK_ACCEPTED = "risk_accepted"
    DUPLICATE = "duplicate"
    CHOICES = [
        (FIX_DEPLOYED, "Fix deployed"),
        (WORKAROUND_PERMANENT, "Workaround accepted as the solution"),
        (NO_LONGER_OCCURS, "No longer occurs"),
        (RISK_ACCEPTED, "Risk accepted, not fixed"),
        (DUPLICATE, "Duplicate of another problem"),
    ]


class Dimension(ChoiceSet):
    """What incidents are grouped by in trends, Pareto charts and the
    repeat-incident rules."""

    CATEGORY = "category"
    SUBCATEGORY = "subcategory"
    CI = "configuration_item"
    SERVICE = "service"
    GROUP = "assignment_group"
    CHOICES = [(CATEGORY, "Category"), (SUBCATEGORY, "Subcategory"),
               (CI, "Configuration item"), (SERVICE, "Service"),
               (GROUP, "Assignment group")]


class CandidateStatus(ChoiceSet):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    CHOICES = [(PROPOSED, "Proposed", "warning"), (ACCEPTED, "Accepted", "success"),
               (DISMISSED, "Dismissed", "secondary")]
