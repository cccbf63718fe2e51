from servista.core.choices import ChoiceSet


class CIStatus(ChoiceSet):
    """The lifecycle of a configuration item."""

    PLANNED = "planned"
    IN_BUILD = "in_build"
    LIVE = "live"
    UNDER_MAINTENANCE = "under_maintenance"
    RETIRED = "retired"
    CHOICES = [(PLANNED, "Planned", "info"), (IN_BUILD, "In build", "primary"),
               (LIVE, "Live", "success"), (UNDER_MAINTENANCE, "Under maintenance", "warning"),
               (RETIRED, "Retired", "secondary")]


class Environment(ChoiceSet):
    PRODUCTION = "production"
    TEST = "test"
    DEVELOPMENT = "development"
    CHOICES = [(PRODUCTION, "Production", "danger"), (TEST, "Test", "warning"),
               (DEVELOPMENT, "Development", "info")]


class AttributeType(ChoiceSet):
    """The types a class attribute may take."""

    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    REFERENCE = "reference"
    CHOICES = [(STRING, "Text"), (INTEGER, "Whole number"), (DECIMAL, "Decimal number"),
               (DATE, "Date"), (BOOLEAN, "Yes/no"), (CHOICE, "Choice"),
               (REFERENCE, "Reference to a configuration item")]


class ImpactDirection(ChoiceSet):
    """Which way a failure travels along a relationship (source --type--> target)."""

    TO_SOURCE = "to_source"   # a failing target impacts the source (app depends on db)
    TO_TARGET = "to_target"   # a failing source impacts the target (rack contains server)
    BOTH = "both"             # either way (connected to)
    NONE = "none"             # documentation only
    CHOICES = [(TO_SOURCE, "A failing target impacts the source"),
               (TO_TARGET, "A failing source impacts the target"),
               (BOTH, "Both ways"), (NONE, "No impact")]


class Direction(ChoiceSet):
    """Of an impact analysis: what a CI's failure reaches (downstream) or
    what it depends on (upstream)."""

    DOWNSTREAM = "downstream"
    UPSTREAM = "upstream"
    CHOICES = [(DOWNSTREAM, "Downstream (impacted by it)"),
               (UPSTREAM, "Upstream (what it depends on)")]
