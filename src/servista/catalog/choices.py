from servista.core.choices import ChoiceSet


class ServiceStatus(ChoiceSet):
    PIPELINE = "pipeline"
    LIVE = "live"
    RETIRED = "retired"
    CHOICES = [(PIPELINE, "Pipeline", "info"), (LIVE, "Live", "success"),
               (RETIRED, "Retired", "secondary")]


class Criticality(ChoiceSet):
    """Business importance of a service or configuration item."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    CHOICES = [(CRITICAL, "Critical", "danger"), (HIGH, "High", "orange"),
               (MEDIUM, "Medium", "warning"), (LOW, "Low", "secondary")]
