from servista.core.choices import ChoiceSet


class AgreementKind(ChoiceSet):
    SLA = "sla"
    OLA = "ola"
    UC = "uc"
    CHOICES = [
        (SLA, "Service level agreement", "primary"),
        (OLA, "Operational level agreement", "info"),
        (UC, "Underpinning contract", "secondary"),
    ]


class TargetKind(ChoiceSet):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"
    CHOICES = [
        (FIRST_RESPONSE, "First response"),
        (RESOLUTION, "Resolution"),
    ]


class TimerStatus(ChoiceSet):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"
    CHOICES = [
        (NOT_STARTED, "Not started", "secondary"),
        (IN_PROGRESS, "In progress", "primary"),
        (PAUSED, "Paused", "warning"),
        (MET, "Met", "success"),
        (BREACHED, "Breached", "danger"),
        (CANCELLED, "Cancelled", "dark"),
    ]
    RUNNING = (IN_PROGRESS, PAUSED)
