from servista.core.choices import ChoiceSet


class IncidentState(ChoiceSet):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    CHOICES = [
        (NEW, "New", "info"),
        (IN_PROGRESS, "In progress", "primary"),
        (ON_HOLD, "On hold", "warning"),
        (RESOLVED, "Resolved", "success"),
        (CLOSED, "Closed", "secondary"),
        (CANCELLED, "Cancelled", "dark"),
    ]

    # Resolving straight from New is first-contact resolution at the desk.
    # Resolved -> In progress is a reopen. Closed and Cancelled are final.
    TRANSITIONS = {
        NEW: {IN_PROGRESS, ON_HOLD, RESOLVED, CANCELLED},
        IN_PROGRESS: {ON_HOLD, RESOLVED, CANCELLED},
        ON_HOLD: {IN_PROGRESS, RESOLVED, CANCELLED},
        RESOLVED: {IN_PROGRESS, CLOSED},
    }

    OPEN = (NEW, IN_PROGRESS, ON_HOLD)
    WORKING = IN_PROGRESS  # where an assignee puts a new incident
    ACTIVE = (NEW, IN_PROGRESS, ON_HOLD, RESOLVED)


class HoldReason(ChoiceSet):
    AWAITING_CALLER = "awaiting_caller"
    AWAITING_VENDOR = "awaiting_vendor"
    AWAITING_PROBLEM = "awaiting_problem"
    AWAITING_CHANGE = "awaiting_change"
    CHOICES = [
        (AWAITING_CALLER, "Awaiting caller"),
        (AWAITING_VENDOR, "Awaiting vendor"),
        (AWAITING_PROBLEM, "Awaiting problem"),
        (AWAITING_CHANGE, "Awaiting change"),
    ]


class ResolutionCode(ChoiceSet):
    SOLVED_PERMANENTLY = "solved_permanently"
    SOLVED_WORKAROUND = "solved_workaround"
    SOLVED_REMOTELY = "solved_remotely"
    USER_ERROR = "user_error"
    NOT_REPRODUCIBLE = "not_reproducible"
    DUPLICATE = "duplicate"
    RESOLVED_BY_CALLER = "resolved_by_caller"
    CHOICES = [
        (SOLVED_PERMANENTLY, "Solved (permanently)"),
        (SOLVED_WORKAROUND, "Solved (workaround)"),
        (SOLVED_REMOTELY, "Solved remotely"),
        (USER_ERROR, "User error / how-to"),
        (NOT_REPRODUCIBLE, "Not solved (not reproducible)"),
        (DUPLICATE, "Duplicate"),
        (RESOLVED_BY_CALLER, "Resolved by caller"),
    ]


class Channel(ChoiceSet):
    PORTAL = "portal"
    PHONE = "phone"
    EMAIL = "email"
    WALK_IN = "walk_in"
    CHAT = "chat"
    API = "api"
    CLI = "cli"
    MONITORING = "monitoring"
    CHOICES = [
        (PORTAL, "Self-service portal"), (PHONE, "Phone"), (EMAIL, "Email"),
        (WALK_IN, "Walk-in"), (CHAT, "Chat"), (API, "API"), (CLI, "Command line"),
        (MONITORING, "Monitoring"),
    ]
