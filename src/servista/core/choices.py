"""Choice sets: string values with a label and a colour, and, for states,
the transitions allowed between them."""

from servista.core.exceptions import InvalidTransition


class ChoiceSet:
    """Declare ``CHOICES = [(value, label, colour), ...]`` on a subclass.

    A state choice set also declares ``TRANSITIONS = {state: {next, ...}}``;
    states absent from TRANSITIONS are terminal.
    """

    CHOICES: list[tuple[str, str, str]] = []
    TRANSITIONS: dict[str, set[str]] | None = None

    choices: list[tuple[str, str]]
    labels: dict[str, str]
    colors: dict[str, str]
    values: list[str]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.choices = [(value, label) for value, label, *_ in cls.CHOICES]
        cls.labels = {value: label for value, label, *_ in cls.CHOICES}
        cls.colors = {value: (rest[0] if rest else "secondary") for value, _, *rest in cls.CHOICES}
        cls.values = [value for value, *_ in cls.CHOICES]

    @classmethod
    def label(cls, value) -> str:
        return cls.labels.get(value, value or "")

    @classmethod
    def color(cls, value) -> str:
        return cls.colors.get(value, "secondary")

    # --- state machine helpers ------------------------------------------

    @classmethod
    def allowed(cls, current: str) -> set[str]:
        return set((cls.TRANSITIONS or {}).get(current, set()))

    @classmethod
    def can_transition(cls, current: str, target: str) -> bool:
        return target in cls.allowed(current)

    @classmethod
    def check_transition(cls, current: str, target: str, field: str = "state") -> None:
        if target not in cls.labels:
            raise InvalidTransition(
                f"'{target}' is not a known {field}.", field=field, status=422
            )
        if not cls.can_transition(current, target):
            # Labels for people, values in brackets for programs.
            allowed = ", ".join(f"{cls.label(value)} ({value})"
                                for value in sorted(cls.allowed(current))) or "none (final state)"
            raise InvalidTransition(
                f"Cannot go from {cls.label(current)} to {cls.label(target)}; "
                f"allowed from {cls.label(current)}: {allowed}.",
                field=field,
            )

    @classmethod
    def is_terminal(cls, state: str) -> bool:
        return not (cls.TRANSITIONS or {}).get(state)

    @classmethod
    def open_states(cls) -> tuple:
        """The states in which a record takes work: ``OPEN`` when the set
        declares it, else every state that is not final."""
        declared = getattr(cls, "OPEN", None)
        if declared is not None:
            return tuple(declared)
        return tuple(value for value in cls.values if not cls.is_terminal(value))


class Impact(ChoiceSet):
    HIGH, MEDIUM, LOW = 1, 2, 3
    CHOICES = [(1, "1 - High", "danger"), (2, "2 - Medium", "warning"), (3, "3 - Low", "success")]


class Urgency(ChoiceSet):
    HIGH, MEDIUM, LOW = 1, 2, 3
    CHOICES = [(1, "1 - High", "danger"), (2, "2 - Medium", "warning"), (3, "3 - Low", "success")]


class Priority(ChoiceSet):
    CRITICAL, HIGH, MODERATE, LOW, PLANNING = 1, 2, 3, 4, 5
    CHOICES = [
        (1, "1 - Critical", "danger"),
        (2, "2 - High", "orange"),
        (3, "3 - Moderate", "warning"),
        (4, "4 - Low", "info"),
        (5, "5 - Planning", "secondary"),
    ]
