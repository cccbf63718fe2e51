from servista.core.choices import ChoiceSet


class ServiceStatus(ChoiceSet):
    PIPELINE = "pipeline"
    LIVE = "live"
    RETIRED = "retired"
    CHOICES = [(PIPELINE, "Pipeline", "info"), (LIVE, "Catalogue (live)", "success"),
               (RETIRED, "Retired", "secondary")]


class Criticality(ChoiceSet):
    """Business importance of a service or configuration item."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    CHOICES = [(CRITICAL, "Critical", "danger"), (HIGH, "High", "orange"),
               (MEDIUM, "Medium", "warning"), (LOW, "Low", "secondary")]


class ReviewOutcome(ChoiceSet):
    """What a portfolio review decides for an existing service."""

    RENEW = "renew"
    REPLACE = "replace"
    RETAIN = "retain"
    REFACTOR = "refactor"
    RETIRE = "retire"
    RATIONALISE = "rationalise"
    CHOICES = [
        (RENEW, "Renew", "warning"),          # functionally fit, technically not
        (REPLACE, "Replace", "orange"),       # unclear, overlapping business functionality
        (RETAIN, "Retain", "success"),        # self-contained, well-defined boundaries
        (REFACTOR, "Refactor", "info"),       # fit, but confused boundaries
        (RETIRE, "Retire", "secondary"),      # below the minimum of fitness
        (RATIONALISE, "Rationalise", "primary"),  # several versions of the same software
    ]
